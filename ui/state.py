"""Session-state keys, one constant each, prefixed by the page that owns them."""

ACTOR = "app__actor"  # dict(user_id, email, role) of the signed-in person
LANGUAGE = "app__language"
FLASH = "app__flash"  # a message to show after st.rerun()
FLASH_WARNINGS = "app__flash_warnings"
FLASH_ERROR = "app__flash_error"  # a sidebar action that failed (saving the language)

HOME_DEMO_BUTTON = "home__load_demo"

ADMIN_AUDIT_ENTITY = "admin__audit_entity"
ADMIN_AUDIT_ACTOR = "admin__audit_actor"
ADMIN_AUDIT_ACTION = "admin__audit_action"
ADMIN_AUDIT_DAYS = "admin__audit_days"

ROLE_MODELS_SELECTED = "role_models__selected"  # id of the person whose detail is open
ROLE_MODELS_LIMIT = "role_models__limit"
ROLE_MODELS_TEXT = "role_models__text"
ROLE_MODELS_KINDS = "role_models__kinds"
ROLE_MODELS_CATEGORIES = "role_models__categories"
ROLE_MODELS_BARRIERS = "role_models__barriers"
ROLE_MODELS_PROGRAMMES = "role_models__programmes"
ROLE_MODELS_STATUSES = "role_models__statuses"
ROLE_MODELS_NOT_FEATURED = "role_models__not_featured"
ROLE_MODELS_ARCHIVED = "role_models__archived"
ROLE_MODELS_IMPORT_FILE = "role_models__import_file"

PORTRAITS_SELECTED = "portraits__selected"
PORTRAITS_UPLOAD = "portraits__upload_generation"

CAMPAIGNS_SELECTED = "campaigns__selected"  # id of the campaign whose posts are shown
CAMPAIGNS_POST_ACCOUNT = "campaigns__post_account"
CAMPAIGNS_LAST_POST = "campaigns__last_post"  # id of the post just created, to show its checks

CALENDAR_SELECTED = "calendar__selected"  # id of the post open in the side panel
CALENDAR_OPENED_VERSION = "calendar__opened_version"  # the post's version when it was opened
CALENDAR_VIEW = "calendar__view"
CALENDAR_DAY = "calendar__day"
CALENDAR_OPEN_MENU = "calendar__open_menu"
CALENDAR_COLOUR_BY = "calendar__colour_by"  # "campaign" or "group"
REACH_IMPORT_GENERATION = "reach__import_generation"  # a new uploader after each import
REACH_FILTERS = "reach__filters"  # the dashboard filters, kept across pages in the session
IMPACT_IMPORT_GENERATION = "impact__import_generation"  # a new uploader after each import
IMPACT_LAST_REJECTIONS = "impact__last_rejections"  # rows the last import left out
LAST_ACTIVITY = "app__last_activity"  # time.time() of the session's last run, for idle expiry
SIGNED_OUT_IDLE = "app__signed_out_idle"  # set when the session was closed for inactivity
ROLE_MODELS_ERASE_PLAN = "role_models__erase_plan"  # (person id, sentence, lines) of a dry run
CAMPAIGNS_REPORT_JOB = "campaigns__report_job"  # {"job": id, "subject": code} of the last report
IMPACT_MISSION_JOB = "impact__mission_job"  # {"job": id, "subject": year} of the last report
