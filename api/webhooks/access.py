"""Who manages which webhook endpoints. Decided here and nowhere else.

- A company admin (User.is_company_admin) of an *active* member company manages their company's
  endpoints and sees their deliveries; other companies' endpoints and the consortium's are a 404.
- Staff manage the consortium's own endpoints (company empty) and see every endpoint and delivery
  (support: why does Aster receive nothing?). On a company's endpoint staff may only switch it off
  (`active: false`) or delete it — to stop an integration that misbehaves — but not change its URL
  or subscriptions, rotate its secret, or send through it: the secret is what lets the company
  trust that a request comes from Wafer, so only the company (and Wafer's signer) may hold it, and
  a staff rotation would put it on a staff screen.
- Everyone else signed in is a 403 (anonymous: 401).
"""

from api.accounts.access import is_staff, member_company
from api.webhooks.models import Endpoint


def admin_company(user):
    """The active member company a company admin speaks for; None for everyone else."""
    company = member_company(user)
    return company if company is not None and user.is_active and user.is_company_admin else None


def may_use(user) -> bool:
    return is_staff(user) or admin_company(user) is not None


def visible_endpoints(user):
    if is_staff(user):
        return Endpoint.objects.all()
    company = admin_company(user)
    return Endpoint.objects.filter(company=company) if company is not None else Endpoint.objects.none()


def may_manage(user, endpoint: Endpoint) -> bool:
    """Full control: the endpoint's own side (its company's admin; staff for the consortium's)."""
    if endpoint.company_id is None:
        return is_staff(user)
    company = admin_company(user)
    return company is not None and company.pk == endpoint.company_id


def may_switch_off(user, endpoint: Endpoint) -> bool:
    return may_manage(user, endpoint) or is_staff(user)
