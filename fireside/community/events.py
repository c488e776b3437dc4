"""What other apps may hear from the community, sent from background work, never from
inside a request."""

from __future__ import annotations

from django.dispatch import Signal

# A post was published (a thread opened or a reply): sent by the worker once the post's
# own follow-up (signals, e-mails) is done, with `post_id`. Listening brings it into the
# stream, relationships recompute its author's standing, in that order (app order).
post_created = Signal()
