from django.contrib.auth.hashers import PBKDF2PasswordHasher


class SeedSpeedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's own pbkdf2_sha256 with fewer rounds, so that seeding a fresh database for every
    test run takes milliseconds instead of seconds. The hashes have the real format:
    `pbkdf2_sha256$<iterations>$<salt>$<hash>`, and Django's default hasher verifies them."""

    iterations = 20_000
