"""Route modules, one Chalice blueprint each. `app.py` registers every router here."""
from chalicelib.http.routes import (auth, client_homework, client_portal, clients, crisis, exports, homework,
                                    notifications, plans, public, review)

ROUTERS = (public.router, auth.router, clients.router, homework.router, client_portal.router,
           client_homework.router, notifications.router, exports.router, review.router,
           plans.router, crisis.router)
