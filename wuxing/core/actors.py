"""Who acts: a signed-in user, or a named system actor for the work no person does (demo loader, commands,
scheduled tasks). Services take one or the other as `actor=`; `None` is refused, so no write goes unattributed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """The system itself, under a name that the audit log shows (``system:<name>``).

    It passes every permission and scope check: it is used only by code paths no request reaches.
    """

    name: str

    is_authenticated = False
    is_active = True
    is_system = True
    is_superuser = False
    pk = None

    def role_codes(self) -> tuple[str, ...]:
        return ()

    def has_perm(self, perm: str, obj=None) -> bool:
        return True

    def get_username(self) -> str:
        return f"system:{self.name}"

    @property
    def display_name(self) -> str:
        return self.get_username()

    def __str__(self) -> str:
        return self.get_username()


SYSTEM = SystemActor("system")
DEMO = SystemActor("demo")


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def user_or_none(actor):
    """The account to store in a `recorded_by`-style column: the user, or None for a system actor."""
    return actor if getattr(actor, "is_authenticated", False) else None


def require_actor(actor) -> None:
    if actor is None:
        raise TypeError("A service needs an actor: a user, or a SystemActor for work no person does.")
