"""The URLs of OParl objects and of the public portal pages they point to (``web``).

One canonical URL per object, built from ids that never change (not from the Vorlage's
number), so clients keep them across renumbering (OParl 1.1, 2.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

SCHEMA = "https://schema.oparl.org/1.1/"


def oparl_type(name: str) -> str:
    return f"{SCHEMA}{name}"


@dataclass(frozen=True)
class Urls:
    base: str  # scheme://host[:port] without a trailing slash

    @property
    def root(self) -> str:
        return f"{self.base}/oparl/v1"

    def system(self) -> str:
        return f"{self.root}/system"

    def bodies(self) -> str:
        return f"{self.root}/body"

    def body(self, municipality_id: int) -> str:
        return f"{self.root}/body/{municipality_id}"

    def body_list(self, municipality_id: int, kind: str, **query: str) -> str:
        url = f"{self.root}/body/{municipality_id}/{kind}"
        return f"{url}?{urlencode(query)}" if query else url

    def obj(self, kind: str, key: int | str) -> str:
        return f"{self.root}/{kind}/{key}"

    def faction(self, faction_id: int) -> str:
        """A Fraktion is an Organization too; its key's prefix keeps it apart from the
        bodies' numeric ids (api.oparl.factions)."""
        return self.obj("organization", f"fraktion-{faction_id}")

    def file_access(self, key: str) -> str:
        return f"{self.root}/file/{key}/content"

    def file_download(self, key: str) -> str:
        return f"{self.root}/file/{key}/download"

    # The public portal (/oeffentlich), the objects' ``web``.
    def web_municipality(self, municipality_id: int) -> str:
        return f"{self.base}/oeffentlich/{municipality_id}"

    def web_faction(self, municipality_id: int, faction_id: int) -> str:
        """The portal's list of Fraktionen, at this one's heading."""
        return f"{self.base}/oeffentlich/{municipality_id}/fraktionen#fraktion-{faction_id}"

    def web_body(self, municipality_id: int, body_id: int) -> str:
        return f"{self.base}/oeffentlich/{municipality_id}/gremien/{body_id}"

    def web_meeting(self, municipality_id: int, meeting_id: int) -> str:
        return f"{self.base}/oeffentlich/{municipality_id}/sitzungen/{meeting_id}"

    def web_paper(self, municipality_id: int, proposal_id: int) -> str:
        return f"{self.base}/oeffentlich/{municipality_id}/vorlagen/{proposal_id}"
