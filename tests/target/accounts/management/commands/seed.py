"""`manage.py seed`: the same data on every run (ids, hashes and timestamps included).

Three partner tenants, each mapped from the CN of its client certificate:
    partner-a -> Acme Logistics, partner-b -> Globex Retail, partner-c -> Initech Finance
Each has a service user (what its certificate authenticates as), console users with personal
data and sign-in history, invoices and two support tickets. The plan catalogue is shared.
Tickets are created last, after every other row, so adding them moved no existing id: ids 1-2
belong to partner-a, 3-4 to partner-b, 5-6 to partner-c.
"""
import datetime
import hashlib
import uuid
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import SupportTicket, Tenant, UserActivity, UserProfile
from billing.models import Invoice
from catalogue.models import Plan

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

TENANTS = [
    # (CN, slug, name, console users: (username, first, last, title, role, dob, salary))
    (
        "partner-a",
        "acme",
        "Acme Logistics",
        [
            ("alice.martin", "Alice", "Martin", "Operations lead", "admin", datetime.date(1986, 4, 12), "84000.00"),
            ("bob.keller", "Bob", "Keller", "Dispatcher", "member", datetime.date(1991, 9, 30), "52000.00"),
            ("carol.nguyen", "Carol", "Nguyen", "Integration engineer", "member", datetime.date(1994, 1, 7), "67000.00"),
        ],
    ),
    (
        "partner-b",
        "globex",
        "Globex Retail",
        [
            ("dan.okafor", "Dan", "Okafor", "IT manager", "manager", datetime.date(1979, 11, 2), "91000.00"),
            ("erin.walsh", "Erin", "Walsh", "Buyer", "member", datetime.date(1990, 6, 18), "48500.00"),
        ],
    ),
    (
        "partner-c",
        "initech",
        "Initech Finance",
        [
            ("frank.berg", "Frank", "Berg", "Controller", "admin", datetime.date(1983, 2, 25), "98000.00"),
            ("gina.rossi", "Gina", "Rossi", "Analyst", "member", datetime.date(1996, 12, 1), "55000.00"),
        ],
    ),
]

PLANS = [
    # (public id, name, price, staff pick, password policy, tokens)
    ("0b7c1a52-6f0e-4c57-9a43-1f0d1b6c2e01", "Starter", "0.00", False, "12+ characters", 2),
    ("5d2e9f40-3b8a-4d1c-8e6f-7a9b0c1d2e02", "Business", "49.00", True, "12+ characters, no reuse of the last 5", 10),
    ("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c03", "Enterprise", "399.00", False, "16+ characters, SSO enforced", 100),
]

TICKETS = [
    # (subject, status) of each tenant's two tickets, in creation order.
    ("Webhook deliveries failing since the certificate rotation", "open"),
    ("Invoice export misses the VAT column", "closed"),
]

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
]


def digest(*parts):
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()


def password_for(username):
    # A fixed salt per user makes the hash the same on every run.
    return make_password(f"{username}-Winter2025!", salt=digest("salt", username)[:22])


def make_user(username, first="", last="", staff=False, superuser=False, when=EPOCH):
    return User.objects.create(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.com" if first else "",
        password=password_for(username),
        is_staff=staff or superuser,
        is_superuser=superuser,
        date_joined=when,
        last_login=when + datetime.timedelta(days=30),
    )


class Command(BaseCommand):
    help = "Fill an empty database with the deterministic partner-portal data."

    @transaction.atomic
    def handle(self, *args, **options):
        if User.objects.exists():
            raise CommandError("the database is not empty: seed runs on a freshly migrated database")
        for number, (public_id, name, price, pick, policy, tokens) in enumerate(PLANS):
            Plan.objects.create(
                public_id=uuid.UUID(public_id),
                name=name,
                price=Decimal(price),
                is_staff_pick=pick,
                password_policy=policy,
                token_count=tokens,
                checksum=digest("terms", name, number),
            )
        for t_index, (cn, slug, name, people) in enumerate(TENANTS):
            joined = EPOCH + datetime.timedelta(days=t_index)
            service = make_user(f"svc-{slug}", when=joined)
            tenant = Tenant.objects.create(
                name=name,
                slug=slug,
                client_cn=cn,
                webhook_url=f"https://hooks.{slug}.example.com/portal",
                webhook_secret="whsec_" + digest("webhook", slug)[:32],
                service_user=service,
            )
            UserProfile.objects.create(
                user=service, tenant=tenant, display_name=f"{name} API client", job_title="API client", role="service"
            )
            for p_index, (username, first, last, title, role, dob, salary) in enumerate(people):
                user = make_user(username, first, last, staff=role == "admin", when=joined)
                UserProfile.objects.create(
                    user=user,
                    tenant=tenant,
                    display_name=f"{first} {last}",
                    job_title=title,
                    role=role,
                    date_of_birth=dob,
                    phone=f"+44 20 7946 0{t_index}{p_index}{len(username) % 10}",
                    home_address=f"{10 + p_index} {last} Street, London",
                    salary=Decimal(salary),
                )
                for a_index in range(2):
                    UserActivity.objects.create(
                        user=user,
                        ip_address=f"203.0.113.{10 * t_index + 3 * p_index + a_index + 1}",
                        user_agent=USER_AGENTS[a_index],
                        session_key=digest("session", username, a_index)[:32],
                        created_at=joined + datetime.timedelta(days=40 + a_index, hours=p_index),
                    )
            for i_index in range(3):
                Invoice.objects.create(
                    tenant=tenant,
                    number=f"INV-{slug.upper()}-{i_index + 1:04d}",
                    amount=Decimal(f"{(t_index + 1) * 100 + i_index * 17}.50"),
                    currency="EUR",
                    status=["paid", "open", "overdue"][i_index],
                    issued_on=datetime.date(2025, 4 + i_index, 1),
                    internal_note=f"Credit check for {name}: {'ok' if i_index else 'manual review'}",
                    card_fingerprint=digest("card", slug)[:24],
                    created_by=service,
                )
        # One platform operator with every privilege, filed under the first tenant.
        operator = make_user("ops.root", "Olga", "Petrova", superuser=True)
        UserProfile.objects.create(
            user=operator,
            tenant=Tenant.objects.get(client_cn="partner-a"),
            display_name="Olga Petrova",
            job_title="Platform operator",
            role="admin",
            phone="+44 20 7946 0999",
        )
        # Support tickets last: ids 1-2 partner-a, 3-4 partner-b, 5-6 partner-c.
        for t_index, (cn, slug, name, people) in enumerate(TENANTS):
            tenant = Tenant.objects.get(client_cn=cn)
            contact = people[0][0]
            for k_index, (subject, status) in enumerate(TICKETS):
                SupportTicket.objects.create(
                    tenant=tenant,
                    subject=f"{subject} ({name})",
                    status=status,
                    contact_email=f"{contact}@example.com",
                    created_at=EPOCH + datetime.timedelta(days=60 + 7 * t_index + k_index, hours=10),
                )
        self.stdout.write(
            f"seeded {Tenant.objects.count()} tenants, {User.objects.count()} users, "
            f"{Invoice.objects.count()} invoices, {Plan.objects.count()} plans, "
            f"{SupportTicket.objects.count()} support tickets"
        )
