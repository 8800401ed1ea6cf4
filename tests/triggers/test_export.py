import pytest

from triggers import services
from triggers.models import Boundary, Trigger

pytestmark = pytest.mark.django_db


def test_it_exports_triggers_boundaries_questions_and_the_consent_log(
    alice, bob, alice_api, bob_api
) -> None:
    trigger = Trigger.objects.create(owner=alice, title="Raised voices", notes="mine")
    Boundary.objects.create(owner=alice, statement="No phones at dinner")
    trigger = services.item_share(item=trigger, by=alice)
    question = services.question_ask(item=trigger, by=bob, text="What helps?")
    services.question_answer(question=question, text="A hug")

    document = alice_api.get("/api/v1/me/export").json()
    assert [t["title"] for t in document["triggers"]] == ["Raised voices"]
    assert document["triggers"][0]["notes"] == "mine"
    assert [b["statement"] for b in document["boundaries"]] == ["No phones at dinner"]
    assert [q["answer"] for q in document["questions"]["received"]] == ["A hug"]
    assert document["questions"]["asked"] == []
    assert [e["kind"] for e in document["consent_log"]] == ["paired", "share_granted"]

    bobs = bob_api.get("/api/v1/me/export").json()
    assert bobs["triggers"] == [] and bobs["boundaries"] == []
    assert [q["text"] for q in bobs["questions"]["asked"]] == ["What helps?"]
    assert "mine" not in bob_api.get("/api/v1/me/export").content.decode()


def test_an_ex_partners_export_does_not_tell_whether_an_item_still_exists(
    alice, bob, bob_api
) -> None:
    from partners import services as accounts_services

    trigger = Trigger.objects.create(owner=alice, title="Raised voices")
    trigger = services.item_share(item=trigger, by=alice)
    question = services.question_ask(item=trigger, by=bob, text="What helps?")
    services.question_answer(question=question, text="A hug")
    shown = bob_api.get("/api/v1/me/export").json()["questions"]["asked"]
    assert (shown[0]["item_id"], shown[0]["answer"]) == (str(trigger.pk), "A hug")

    services.item_unshare(item=trigger, by=alice)
    accounts_services.partnership_end(user=alice)
    before = bob_api.get("/api/v1/me/export").json()["questions"]["asked"]
    services.item_delete(item=Trigger.objects.get(pk=trigger.pk))
    after = bob_api.get("/api/v1/me/export").json()["questions"]["asked"]

    assert before == after
    assert [(q["text"], q["item_id"], q["answer"]) for q in after] == [("What helps?", None, None)]
