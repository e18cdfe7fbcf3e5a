"""Dynamic OCPP EVSE: share a site's limited power between chargers and loads."""
