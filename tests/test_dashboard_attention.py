"""'Needs a look' on the therapist dashboard: flags from how exercises went, the order by
attention, the filter by flag, and what a share without routines keeps back."""

from .helpers import CHIN_TUCK, client_names, dashboard_page, log_in, make_user, sharing_client

REGIONS_3 = ("neck", "upper_back", "lower_back")


def test_needs_a_look_is_ordered_by_attention_not_by_name(app):
    therapist = make_user(app, "therapist")
    sharing_client(app, therapist.id, "Amy Quiet", quiet=True)
    sharing_client(app, therapist.id, "Bo Steady")
    sharing_client(app, therapist.id, "Cy Hard", feedback=[(2, "too_hard"), (3, "too_hard")])
    sharing_client(app, therapist.id, "Di Painful", feedback=[(8, "about_right")])
    sharing_client(app, therapist.id, "Ed Neck", this_week=6)
    # The client: pain 9, worse in three regions; by name they came near the end.
    sharing_client(app, therapist.id, "Zoe Flare", this_week=9, regions=REGIONS_3)
    page = dashboard_page(app, therapist)
    assert client_names(page) == [
        "Zoe Flare",
        "Ed Neck",
        "Di Painful",
        "Cy Hard",
        "Amy Quiet",
        "Bo Steady",
    ]
    assert f"pain 8 during {CHIN_TUCK}" in page
    assert f"{CHIN_TUCK} too hard twice" in page
    assert "6 clients, 5 need a look" in page


def test_one_too_hard_or_pain_below_seven_raises_no_flag(app):
    therapist = make_user(app, "therapist")
    sharing_client(app, therapist.id, "Once Hard", feedback=[(6, "too_hard"), (1, "about_right")])
    page = dashboard_page(app, therapist)
    assert "1 client." in page and 'class="flagged"' not in page
    assert "too hard twice</span>" not in page and "pain 6 during" not in page


def test_filter_by_flag_without_javascript_and_with_the_search(app):
    therapist = make_user(app, "therapist")
    sharing_client(app, therapist.id, "Pat Painful", feedback=[(7, None)])
    sharing_client(app, therapist.id, "Pia Painful", feedback=[(9, None)])
    sharing_client(app, therapist.id, "Quinn Quiet", quiet=True)
    sharing_client(app, therapist.id, "Sal Steady")
    everyone = dashboard_page(app, therapist)
    assert 'href="/therapist?flag=pain">Pain during an exercise (2)</a>' in everyone
    assert 'href="/therapist?flag=quiet">No check-in for 4+ days (1)</a>' in everyone
    assert "flag=worse" not in everyone  # no client has it: no empty filter to tap
    painful = dashboard_page(app, therapist, "?flag=pain")
    assert client_names(painful) == ["Pia Painful", "Pat Painful"]
    assert client_names(dashboard_page(app, therapist, "?flag=quiet")) == ["Quinn Quiet"]
    searched = dashboard_page(app, therapist, "?flag=pain&q=pat")
    assert client_names(searched) == ["Pat Painful"]
    assert '<input type="hidden" name="flag" value="pain">' in searched
    assert "No client with “too hard twice” right now" in dashboard_page(
        app, therapist, "?flag=too_hard"
    )
    # A flag that does not exist (an edited link) shows everyone.
    assert len(client_names(dashboard_page(app, therapist, "?flag=nonsense"))) == 4


def test_exercise_flags_need_the_routines_shared(app):
    therapist = make_user(app, "therapist")
    sharing_client(
        app,
        therapist.id,
        "Private Routines",
        feedback=[(9, "too_hard"), (9, "too_hard")],
        parts="pain",
    )
    page = dashboard_page(app, therapist)
    assert "pain 9 during" not in page and "too hard twice</span>" not in page
    assert client_names(dashboard_page(app, therapist, "?flag=pain")) == []


def test_exercise_flags_cost_no_query_per_client(app, count_queries):
    few, many = make_user(app, "therapist"), make_user(app, "therapist")
    for therapist, count in ((few, 1), (many, 4)):
        for n in range(count):
            sharing_client(
                app, therapist.id, f"Client {n}", feedback=[(8, "too_hard"), (8, "too_hard")]
            )
    counts = []
    for therapist in (few, many):
        browser = app.test_client()
        log_in(browser, therapist)
        with count_queries() as counter:
            page = browser.get("/therapist").text
        assert page.count(f"{CHIN_TUCK} too hard twice") == (1 if therapist is few else 4)
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_order_of_attention_within_each_flag_and_as_far_as_shares_cover(app):
    therapist = make_user(app, "therapist")
    sharing_client(app, therapist.id, "Nia Nothing")
    sharing_client(app, therapist.id, "Quin Quiet", quiet=True)
    sharing_client(app, therapist.id, "Hal Hard", feedback=[(2, "too_hard"), (3, "too_hard")])
    sharing_client(app, therapist.id, "Pam Seven", feedback=[(7, "too_hard"), (7, "too_hard")])
    sharing_client(app, therapist.id, "Pip Nine", feedback=[(9, None)])
    # The same total rise of 4 points: over more regions comes first.
    sharing_client(app, therapist.id, "Una One", last_week=4, this_week=8)
    sharing_client(app, therapist.id, "Duo Two", this_week=6, regions=REGIONS_3[:2])
    sharing_client(app, therapist.id, "Tia Three", this_week=7, regions=REGIONS_3)
    # Worse in pain and in pain during exercises, but their shares leave those parts out.
    sharing_client(app, therapist.id, "Abe Routines Only", this_week=9, parts="routines")
    painful = [(9, "too_hard"), (9, "too_hard")]
    sharing_client(app, therapist.id, "Ada Pain Only", feedback=painful, parts="pain")
    page = dashboard_page(app, therapist)
    assert client_names(page) == [
        "Tia Three",
        "Duo Two",
        "Una One",
        "Pip Nine",
        "Pam Seven",
        "Hal Hard",
        "Quin Quiet",
        "Abe Routines Only",
        "Ada Pain Only",
        "Nia Nothing",
    ]
    assert "10 clients, 7 need a look" in page
    assert 'href="/therapist?flag=worse">Pain worse (3)</a>' in page
    assert 'href="/therapist?flag=pain">Pain during an exercise (2)</a>' in page
    assert 'href="/therapist?flag=too_hard">Too hard twice (2)</a>' in page
    assert 'href="/therapist?flag=quiet">No check-in for 4+ days (1)</a>' in page
    assert client_names(dashboard_page(app, therapist, "?flag=worse")) == [
        "Tia Three",
        "Duo Two",
        "Una One",
    ]
    too_hard = dashboard_page(app, therapist, "?flag=too_hard")
    assert client_names(too_hard) == ["Pam Seven", "Hal Hard"]
    assert "2 clients with “too hard twice”" in too_hard
