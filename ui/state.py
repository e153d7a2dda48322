"""Session-state keys, one constant each, prefixed by the page that owns them."""

ACTOR = "app__actor"  # dict(user_id, email, role) of the signed-in person
LANGUAGE = "app__language"
FLASH = "app__flash"  # a message to show after st.rerun()

HOME_DEMO_BUTTON = "home__load_demo"

ADMIN_AUDIT_ENTITY = "admin__audit_entity"
ADMIN_AUDIT_ACTOR = "admin__audit_actor"
ADMIN_AUDIT_ACTION = "admin__audit_action"
ADMIN_AUDIT_DAYS = "admin__audit_days"
