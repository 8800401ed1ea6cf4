"""The consent kernel: relationships, consent, and who may know what.

It owns partnerships and their members (each with their own pause switch),
invitations, shares, the append-only consent log, the stream (inbox and
emails) and the change feed. `accounts` keeps the person; kinds of shareable
things (`triggers`, `checkins`, …) register here and the kernel never imports
them.

The public API, in the order a new kind meets it:

- `partners.kinds`: `register(Kind(...))` once from the kind's
  `AppConfig.ready()` (model, sync type names, owner and partner serializers,
  shared fields, export section); `register_related` for things that follow
  shared items (questions); `register_export` for other export sections.
- `partners.viewer`: `request_viewer(request)` in a view (once per request),
  `viewer_of(user=...)` elsewhere: user, partnership, partner, who pauses.
- `partners.consent`: the rule, written once. `Model.objects.owned_by(viewer)`,
  `Model.objects.shared_with(viewer)` (managers are `ShareableQuerySet`),
  `shared_q(viewer, prefix=...)` for relations, `audience(item)` for "who else
  can see this now".
- `partners.sharing`: `grant` / `revoke` an item's share; `seen_by(item)` before
  a write and `item_changed(item=..., before=...)` after it, which tells the
  feeds (the partner only when what they can see changed).
- `partners.services`: invitations, `partnership_set_paused`,
  `partnership_end`, `account_leave`, `consent_record`, `notifications_send`,
  `stream_compact`.
- `partners.stream`: `record` an activity for its recipient (the inbox and the
  emails read it), `visible(viewer)` for what they may still know, the URL
  scheme of each activity's place.
- `partners.feed.touch`: the low-level "look again" entries, for what is not a
  kind (questions, responses).
"""
