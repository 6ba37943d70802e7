"""Route modules, one Chalice blueprint each. `app.py` registers `BLUEPRINTS`."""
from chalicelib.http.routes import auth, client_portal, clients, public

ROUTERS = (public.router, auth.router, clients.router, client_portal.router)
