"""Student search: folding of names, the word-prefix query, and the POSTed search page."""

from __future__ import annotations

import datetime
import re

import pytest

from casework.core.testing import factories as f
from casework.core.text import fold, search_terms
from casework.students import services as st
from casework.students.models import Student

# --- fold ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("José  García-Núñez", "jose garcia nunez"),
        ("Nguyễn", "nguyen"),
        ("Zoë", "zoe"),
        ("Müller", "muller"),
        ("MÜLLER", "muller"),
        ("Đặng", "dang"),
        ("đặng thị", "dang thi"),
        ("ß", "ss"),
        ("Straße", "strasse"),
        ("Łukasz Ørsted", "lukasz orsted"),
        ("Æsa Þórsdóttir", "aesa thorsdottir"),
        ("Œuvre", "oeuvre"),
        ("ﬁnn", "finn"),  # ligature
        ("ＡＢＣ１２３", "abc123"),  # full-width
        ("O'Brien", "o brien"),
        ("Smith,  Jr.", "smith jr"),
        ("D’Angelo-López", "d angelo lopez"),
        ("snake_case", "snake case"),
        ("100234", "100234"),
        ("Иван Петров", "иван петров"),  # other scripts stay searchable
        ("张伟", "张伟"),
        ("", ""),
        ("   \t\n  ", ""),
        ("--  ..  ,,", ""),
        ("%_'\";--", ""),
        ("maria%' OR 1=1;--", "maria or 1 1"),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_none_is_empty():
    assert fold(None) == ""


def test_fold_very_long_input():
    assert fold("Á" * 100_000) == "a" * 100_000
    assert fold("ab " * 50_000) == " ".join(["ab"] * 50_000)


# --- search_terms -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("García, José", ["garcia", "jose"]),
        ("jose JOSE José", ["jose"]),
        ("  ", []),
        ("%_'\";--", []),
        ("maria%", ["maria"]),
        ("a b c d e f g h", ["a", "b", "c", "d", "e", "f"]),  # at most 6 terms
        ("x x y", ["x", "y"]),
    ],
)
def test_search_terms(query, terms):
    assert search_terms(query) == terms


def test_search_terms_of_very_long_input():
    assert search_terms("word " * 10_000) == ["word"]
    assert search_terms("w" * 5_000) == ["w" * 5_000]
    assert search_terms("a b c", limit=2) == ["a", "b"]


# --- StudentQuerySet.search ---------------------------------------------------------------------------


@pytest.fixture
def people(db):
    return {
        "garcia": f.student(first_name="José", last_name="García", district_id="100001"),
        "nguyen": f.student(first_name="Zoë", last_name="Nguyễn", district_id="200002"),
        "arce": f.student(first_name="Mark", last_name="Arce", district_id="100777"),
        "lupe": f.student(first_name="Guadalupe", last_name="Torres", preferred_name="Lupe", district_id="300003"),
        "garcia_marquez": f.student(first_name="Ana", last_name="García Márquez", district_id="400004"),
        "ivan": f.student(first_name="Иван", last_name="Петров", district_id="500005"),
    }


def found(terms) -> set[int]:
    return set(Student.objects.search(terms).values_list("district_id", flat=True))


def test_every_term_must_start_a_word(people):
    assert found(["gar"]) == {"100001", "400004"}
    assert found(["arc"]) == {"100777"}  # not García (g-ARC-ia): terms match word starts only
    assert found(["arquez"]) == set()
    assert found(["marq"]) == {"400004"}
    assert found(["ia"]) == set()


def test_folded_terms_match_accented_names(people):
    assert found(search_terms("GARCÍA")) == {"100001", "400004"}
    assert found(search_terms("nguyen zoe")) == {"200002"}
    assert found(search_terms("Nguyễn")) == {"200002"}
    assert found(search_terms("иван")) == {"500005"}


def test_preferred_name_is_searched(people):
    assert found(["lupe"]) == {"300003"}
    assert found(["guada"]) == {"300003"}


def test_district_id_prefix(people):
    assert found(["1000"]) == {"100001"}
    assert found(["100"]) == {"100001", "100777"}
    assert found(["0001"]) == set()  # the middle of an id is not a prefix


def test_two_terms_in_any_order(people):
    assert found(["jose", "garcia"]) == {"100001"}
    assert found(["garcia", "jose"]) == {"100001"}
    assert found(["garcia", "ana"]) == {"400004"}
    assert found(["jose", "nguyen"]) == set()


def test_like_wildcards_are_literal(people):
    assert found(["%"]) == set()
    assert found(["_"]) == set()
    assert found(["g%"]) == set()


# --- the search page ----------------------------------------------------------------------------------


def post(client, htmx: bool, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/students/", data, headers=headers)


def result_ids(body: str) -> set[str]:
    return set(re.findall(r'href="/students/(\d+)/"', body))


@pytest.mark.parametrize("htmx", [True, False])
def test_ppw_finds_only_in_scope_students(world, client, htmx):
    client.force_login(world.user("ppw"))
    response = post(client, htmx, q="garcía")
    assert response.status_code == 200
    body = response.content.decode()
    assert result_ids(body) == {str(world.student_a.pk)}
    assert "1 student." in body
    assert ("<html" in body) is (not htmx)  # HTMX gets the results partial, a plain POST the whole page

    body = post(client, htmx, q="Nguyễn").content.decode()  # student_b is at school B
    assert result_ids(body) == set()
    assert "No student in your schools matches" in body
    assert "Zoë" not in body and "200002" not in body


def test_director_finds_students_of_every_school(world, client):
    client.force_login(world.user("director"))
    body = post(client, True, q="zoe").content.decode()
    assert result_ids(body) == {str(world.student_b.pk)}
    assert "Beta Middle" in body  # school column from the open enrollment


def test_school_filter_stays_within_scope(world, client):
    client.force_login(world.user("ppw"))
    body = post(client, True, q="", school=str(world.school_b.pk)).content.decode()
    assert result_ids(body) == set()
    body = post(client, True, q="", school=str(world.school_a.pk)).content.decode()
    assert result_ids(body) == {str(world.student_a.pk)}


def test_recently_exited_student_is_still_found_by_ppw(world, client):
    s = f.student(school=world.school_a, first_name="Recent", last_name="Leaver",
                  entry_date=datetime.date(2024, 8, 26), exit_date=datetime.date.today() - datetime.timedelta(days=30))
    client.force_login(world.user("ppw"))
    assert result_ids(post(client, True, q="leaver").content.decode()) == {str(s.pk)}


def test_punctuation_only_query_matches_nothing_even_with_a_school(world, client):
    """Nothing in ",," can start a word: no results, not the whole school."""
    client.force_login(world.user("director"))
    body = post(client, True, q="  ,, ").content.decode()
    assert result_ids(body) == set()
    body = post(client, True, q="%", school=str(world.school_a.pk)).content.decode()
    assert result_ids(body) == set()
    assert "No student" in body


def test_blank_query_searches_nothing(world, client):
    client.force_login(world.user("director"))
    body = post(client, True, q="   ").content.decode()
    assert result_ids(body) == set()
    assert "No student" not in body


def test_overlong_query_is_a_form_error_on_the_full_page(world, client):
    client.force_login(world.user("ppw"))
    response = post(client, False, q="g" * 101)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ensure this value has at most 100 characters (it has 101)." in body
    assert result_ids(body) == set()


def test_query_of_exactly_100_characters_is_searched(world, client):
    client.force_login(world.user("director"))
    response = post(client, True, q="garcia " + "x" * 93)
    assert response.status_code == 200
    assert "No student in your schools matches" in response.content.decode()


def test_overlong_query_is_a_form_error_in_the_htmx_partial(world, client):
    client.force_login(world.user("ppw"))
    response = post(client, True, q="g" * 101)
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()


def test_unknown_school_choice_is_a_form_error(world, client):
    client.force_login(world.user("ppw"))
    response = post(client, False, q="garcia", school="999999")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_search_terms_never_go_into_the_url(world, client):
    client.force_login(world.user("ppw"))
    page = client.get("/students/").content.decode()
    form = re.search(r"<form [^>]*role=\"search\"[^>]*>", page).group(0)
    assert 'method="post"' in form
    assert 'hx-post="/students/"' in form
    assert "hx-get" not in page
    # A query string is ignored: no search runs from a URL (so none is ever bookmarked or logged).
    body = client.get("/students/", {"q": "xylophone"}).content.decode()
    assert result_ids(body) == set()
    assert "xylophone" not in body
    response = post(client, False, q="garcia")
    assert response.status_code == 200  # answered in place, not redirected to a ?q= URL
    assert "Location" not in response
    assert "?q=" not in response.content.decode()


def test_roles_without_student_view_cannot_search(world, client):
    for role in ("school_staff", "auditor", "none"):
        client.force_login(world.user(role))
        assert client.get("/students/").status_code == 404
        assert post(client, True, q="garcia").status_code == 404


def test_search_is_case_and_accent_insensitive_after_rename(world, client):
    st.student_update(actor=None, student=world.student_a, last_name="Peña")
    client.force_login(world.user("ppw"))
    assert result_ids(post(client, True, q="PENA").content.decode()) == {str(world.student_a.pk)}
    assert result_ids(post(client, True, q="garcia").content.decode()) == set()


def test_an_initial_beside_a_longer_term_is_ignored_but_alone_it_is_searched():
    assert search_terms("Jose A Garcia") == ["jose", "garcia"]
    assert search_terms("a") == ["a"]
    assert search_terms("j g") == ["j", "g"]


@pytest.mark.django_db
def test_search_index_follows_renames_and_deletes():
    """On SQLite the FTS index is kept by triggers; on PostgreSQL LIKE reads the column: same answers."""
    kid = f.student(first_name="Wendell", last_name="Okafor")
    assert list(Student.objects.search(["okaf"])) == [kid]
    st.student_update(actor=None, student=kid, last_name="Abernathy")
    assert list(Student.objects.search(["okaf"])) == []
    assert list(Student.objects.search(["aber", "wend"])) == [kid]
    Student.objects.filter(pk=kid.pk).delete()
    assert list(Student.objects.search(["aber"])) == []
