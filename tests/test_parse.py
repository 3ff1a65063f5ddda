"""The raw page parser, one part of FORMAT.md at a time, plus bad files, goldens, the real sample and fuzzing.

Every page here is invented; only `test_real_sample` reads the real page (from ../shared, when present).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsset
from newsset.boilerplate import card_byline, is_boilerplate
from newsset.lines import credit_of
from newsset.records import FIELDS

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
NBSP = "\u00a0"

HEADER = " date 2022-05-17 Allotment waiting lists grow longer"
P1 = "Councils in six cities say the wait for a plot now runs to eight years."
P2 = "“We have people who signed up in 2015 and are still waiting,” said Noémie Lefèvre, a parish clerk."
P3 = "Some towns are turning car parks into gardens — a move that has proved popular."
PAYWALL = ["To continue reading this article...",
           "Continue reading this article and get limited website access each month.",
           "Get unlimited website access, exclusive newsletters plus much more.", "Cancel or pause at any time.",
           "Already a subscriber to The Week?", "Not sure which email you used for your subscription? Contact us"]
FOOTER = ["Latest", "You might also like", "View More \u25b8"]


def page(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def parse(text: str) -> dict[str, object]:
    return newsset.parse_text(text, "page.txt").to_dict()


def refused(raw: bytes | str, source: str = "bad.txt") -> newsset.ParseError:
    with pytest.raises(newsset.ParseError) as info:
        if isinstance(raw, bytes):
            newsset.parse_bytes(raw, source)
        else:
            newsset.parse_text(raw, source)
    assert info.value.issue.path == source
    return info.value


# ---------------------------------------------------------------- header


@pytest.mark.parametrize("lead", ["", " ", "    ", "\t"])
def test_header_may_start_with_spaces(lead: str) -> None:
    rec = parse(page(f"{lead}date 2022-05-17 Allotment waiting lists grow longer", "", P1))
    assert rec["date"] == "2022-05-17" and rec["title"] == "Allotment waiting lists grow longer"


def test_title_keeps_quotes_and_inner_spaces_but_not_trailing_ones() -> None:
    rec = parse(page("date 2020-01-31  ‘Last orders’ at the  Crown and Anchor  ", "", P1))
    assert rec["title"] == "‘Last orders’ at the  Crown and Anchor"


def test_header_after_blank_lines_is_found_and_located() -> None:
    art = newsset.parse_text(page("", "", HEADER, "", P1))
    assert art.title == "Allotment waiting lists grow longer" and art.lines["date"] == 3 and art.lines["body"] == 5


# ---------------------------------------------------------------- standfirst


def test_standfirst_without_image_or_byline_is_a_line_without_final_punctuation() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce and the queues are getting longer", "", P1, "", P2))
    assert rec["subtitle"] == "Plots are scarce and the queues are getting longer"
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_first_paragraph_with_final_punctuation_is_body_not_standfirst() -> None:
    rec = parse(page(HEADER, "", P1, "", P2))
    assert rec["subtitle"] is None and rec["body"] == f"{P1}\n\n{P2}"


def test_single_paragraph_is_body_even_without_punctuation() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce"))
    assert rec["subtitle"] is None and rec["body"] == "Plots are scarce"


def test_standfirst_before_image_block_may_end_with_a_question_mark() -> None:
    rec = parse(page(HEADER, "", "Who gets the plots?", "", "A caption", "(Image credit: Pressbank)", "", P1))
    assert rec["subtitle"] == "Who gets the plots?" and rec["body"] == P1


# ---------------------------------------------------------------- image block


def test_no_image_block() -> None:
    rec = parse(page(HEADER, "", "A standfirst", "", "By", "published", "", P1))
    assert (rec["image_alt"], rec["image_caption"], rec["image_credit"]) == (None, None, None)


def test_image_block_with_one_line_is_the_caption() -> None:
    rec = parse(page(HEADER, "", "A standfirst", "", "Runner beans on a cane", "(Image credit: Kestrel Photo)",
                     "", P1))
    assert rec["image_alt"] is None and rec["image_caption"] == "Runner beans on a cane"
    assert rec["image_credit"] == "Kestrel Photo" and rec["subtitle"] == "A standfirst" and rec["body"] == P1


def test_image_block_with_two_lines_is_alt_then_caption() -> None:
    art = newsset.parse_text(page(HEADER, "", "A standfirst", "", "Photo of an allotment", "Plots in Leeds last June",
                                  "(Image credit:  Illustration by Rhys Pryce / Pressbank )", "By", "published", "",
                                  P1))
    assert (art.image_alt, art.image_caption) == ("Photo of an allotment", "Plots in Leeds last June")
    assert art.image_credit == "Illustration by Rhys Pryce / Pressbank" and art.body == P1
    assert (art.lines["image_alt"], art.lines["image_caption"], art.lines["image_credit"]) == (5, 6, 7)


@pytest.mark.parametrize("credit", ["Image credit: Pressbank / Getty", "(Image credit: Pressbank / Getty",
                                    "IMAGE CREDIT: Pressbank / Getty", "  (image credit:Pressbank / Getty)  ",
                                    "(Image credits: Pressbank / Getty)", "(Credit: Pressbank / Getty)",
                                    "Photo credits: Pressbank / Getty"])
def test_credit_lines_without_their_parentheses_still_end_the_image_block(credit: str) -> None:
    rec = parse(page(HEADER, "", "A standfirst", "", "Photo of an allotment", "Plots in Leeds", credit,
                     "By Ruth Ashworth", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["image_credit"], rec["author"]) == (
        "A standfirst", "Photo of an allotment", "Plots in Leeds", "Pressbank / Getty", "Ruth Ashworth")
    assert rec["body"] == P1


@pytest.mark.parametrize("credit", ["(Photo credit: Pressbank)", "Picture credit: Pressbank"])
def test_photo_and_picture_credit_lines_end_the_image_block(credit: str) -> None:
    rec = parse(page(HEADER, "", "A standfirst", "", "Plots in Leeds", credit, "", P1))
    assert (rec["subtitle"], rec["image_caption"], rec["image_credit"], rec["body"]) == (
        "A standfirst", "Plots in Leeds", "Pressbank", P1)


def test_a_credit_inside_parentheses_keeps_its_own_closing_parenthesis() -> None:
    rec = parse(page(HEADER, "", "Plots in Leeds", "(Image credit: Rhys Pryce (Pressbank))", "", P1))
    assert rec["image_credit"] == "Rhys Pryce (Pressbank)"
    rec = parse(page(HEADER, "", "Plots in Leeds", "Image credit: Rhys Pryce (Pressbank)", "", P1))
    assert rec["image_credit"] == "Rhys Pryce (Pressbank)"


def test_image_block_without_standfirst() -> None:
    rec = parse(page(HEADER, "", "Photo of an allotment", "Plots in Leeds", "(Image credit: Pressbank)", "", P1))
    assert rec["subtitle"] is None and rec["image_alt"] == "Photo of an allotment" and rec["body"] == P1


# ---------------------------------------------------------------- byline labels


def test_bare_byline_labels_are_dropped() -> None:
    rec = parse(page(HEADER, "", "A standfirst", "", "A caption", "(Image credit: Pressbank)", "By", "published", "",
                     P1, "", P2))
    assert rec["author"] is None and rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("image", [True, False])
def test_byline_with_name_and_timestamp_gives_the_author(image: bool) -> None:
    img = ["A caption", "(Image credit: Pressbank)"] if image else []
    art = newsset.parse_text(page(HEADER, "", "A standfirst", "", *img, "By Małgorzata Nwosu",
                                  "published 16 May 2022", "", P1))
    assert art.author == "Małgorzata Nwosu" and art.subtitle == "A standfirst" and art.body == P1
    assert art.lines["author"] == (7 if image else 5)


def test_byline_name_wins_over_the_signature_name() -> None:
    rec = parse(page(HEADER, "", "By Ana Demir", "published", "", P1, "", "Kwame Mensah, The Week UK", ""))
    assert rec["author"] == "Ana Demir" and rec["publication"] == "The Week UK" and rec["body"] == P1


def test_byline_name_ending_with_a_period_with_image() -> None:
    rec = parse(page(HEADER, "", "A caption", "(Image credit: Pressbank)", "By Sam Reed Jr.", "published", "", P1))
    assert rec["author"] == "Sam Reed Jr." and rec["body"] == P1


def test_byline_name_ending_with_a_period_without_image() -> None:
    rec = parse(page(HEADER, "", "A standfirst", "", "By Ada L.", "published", "", P1))
    assert rec["author"] == "Ada L." and rec["subtitle"] == "A standfirst" and rec["body"] == P1


# ---------------------------------------------------------------- promotional blocks


def test_uk_promotional_blocks_are_dropped_even_when_repeated() -> None:
    promo = ["Subscribe to The Week", "", "Escape your echo chamber. Get the facts behind the news, plus analysis "
             "from multiple perspectives.", "", "SUBSCRIBE & SAVE",
             "https://cdn.example-cdn.net/flexiimages/k2j4h5g6.jpg", "", "Sign up for The Week’s Free Newsletters",
             "", "From our morning news briefing to a weekly Good News Newsletter, get the best of The Week delivered "
             "directly to your inbox.", "", "From our morning news briefing to a weekly Good News Newsletter, get the "
             "best of The Week delivered directly to your inbox.", "", "Sign up"]
    rec = parse(page(HEADER, "", P1, "", *promo, "", P2, "", *promo, "", P3, "", *promo))
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{P3}"


def test_us_promotional_blocks_are_dropped() -> None:
    rec = parse(page(HEADER, "", P1, "", "Sign up for Today's Best Articles in your inbox", "",
                     "A free daily email with the biggest news stories of the day \u2013 and the best features from "
                     "TheWeek.com", "", "Sign up", "", P2, "", "Subscribe to our newsletter", "", "Try 6 Free Issues",
                     "https://cdn.example-cdn.net/flexiimages/zz9.webp?width=640", "", P3))
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{P3}"


def test_promotional_line_directly_under_a_paragraph_is_dropped() -> None:
    rec = parse(page(HEADER, "", P1, "SUBSCRIBE & SAVE", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("mention", [
    "Sign up rates fell by a third, the council said.",
    "Readers who subscribe to The Week’s print edition will get the supplement free.",
    "She urged residents to sign up for the free newsletter before Friday.",
    "Sign up.",
    "Subscribe to The Week today, the advert said, and get six issues free.",
    "See https://example.org/plots.jpg for the map.",
])
def test_legitimate_mentions_stay_in_the_body(mention: str) -> None:
    rec = parse(page(HEADER, "", P1, "", mention, "", P2))
    assert rec["body"] == f"{P1}\n\n{mention}\n\n{P2}"


# ---------------------------------------------------------------- paywall, signature, bio, footer


def test_paywall_truncates_and_signature_follows_it() -> None:
    art = newsset.parse_text(page(HEADER, "", P1, "", P2, "", "Sign up", *PAYWALL, "Jana Novák, The Week UK", "",
                                  f"{NBSP}  Jana Novák writes about housing.{NBSP}", "", *FOOTER))
    assert art.truncated is True and art.body == f"{P1}\n\n{P2}"
    assert (art.author, art.publication, art.author_bio) == ("Jana Novák", "The Week UK",
                                                             "Jana Novák writes about housing.")
    assert art.lines["truncated"] == 8 and art.lines["author"] == 14 and art.lines["author_bio"] == 16


def test_us_paywall_without_its_last_line() -> None:
    rec = parse(page(HEADER, "", P1, *PAYWALL[:4], "Already a subscriber?", "", "Eilidh Haddad, The Week US"))
    assert rec["truncated"] is True and rec["body"] == P1
    assert (rec["author"], rec["publication"]) == ("Eilidh Haddad", "The Week US")


def test_no_paywall_runs_on_to_the_signature() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Søren van der Linde, The Week UK", "",
                     "Søren van der Linde is our Europe editor.", "", *FOOTER))
    assert rec["truncated"] is False and rec["body"] == f"{P1}\n\n{P2}"
    assert (rec["author"], rec["publication"]) == ("Søren van der Linde", "The Week UK")
    assert rec["author_bio"] == "Søren van der Linde is our Europe editor."


@pytest.mark.parametrize("paywall", [False, True])
@pytest.mark.parametrize("box, author", [([", The Week UK"], None), ([", The Week US"], None),
                                         (["Jana Novák", ", The Week UK"], "Jana Novák")])
def test_an_author_box_whose_name_link_was_dropped_or_split_still_signs(box: list[str], author: str | None,
                                                                          paywall: bool) -> None:
    """The scraper drops a link's text (the sample's bare `By`): a box whose name is a link is
    saved as `, The Week UK`, or as the name over the rest. It stayed in the body with its bio (after
    a paywall the bio was in no field)."""
    cut = [*PAYWALL] if paywall else [""]
    art = newsset.parse_text(page(HEADER, "", P1, "", P2, *cut, *box, "", f"{NBSP}Jana Novák covers housing.{NBSP}",
                                  "", *FOOTER))
    assert art.body == f"{P1}\n\n{P2}" and art.truncated is paywall
    assert (art.author, art.publication, art.author_bio) == (author, box[-1][2:], "Jana Novák covers housing.")
    if author:
        assert art.lines["author"] == len(page(HEADER, "", P1, "", P2, *cut).splitlines()) + 1


def test_a_split_author_box_under_a_list_of_place_items_still_signs() -> None:
    """Audit t36: under items shaped `Name, Place` (a festival guide's `Ludlow Food Festival,
    Shropshire`), the site's box saved in two (`Jana Novák` / `, The Week UK`) was taken for one more
    item; it and its bio stayed in the body. (Alone on its line, the box signed already.)"""
    items = ["Latitude, Suffolk", "", P1, "", "Ludlow Food Festival, Shropshire", "", P2]
    rec = parse(page(HEADER, "", *items, "", "Jana Novák", ", The Week UK", "", "Jana Novák covers festivals.", "",
                     *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Jana Novák", "The Week UK",
                                                                      "Jana Novák covers festivals.")
    assert rec["body"] == "\n\n".join(x for x in items if x)


def test_a_name_over_the_site_publication_in_the_body_is_no_author_box() -> None:
    """Only a name-shaped line right above `, The Week UK` joins it: a sentence stays body text."""
    rec = parse(page(HEADER, "", P1, "", "The report was written by the council.", ", The Week UK", "",
                     "Jana Novák covers housing.", "", *FOOTER))
    assert rec["body"] == f"{P1}\n\nThe report was written by the council." and rec["author"] is None
    assert rec["publication"] == "The Week UK"


def test_an_instagram_embeds_link_text_is_dropped_its_credit_kept() -> None:
    rec = parse(page(HEADER, "", P1, "", "View this post on Instagram", "A post shared by Kew Gardens (@kewgardens)",
                     "", P2, "", *FOOTER))
    assert rec["body"] == f"{P1}\n\nA post shared by Kew Gardens (@kewgardens)\n\n{P2}"


@pytest.mark.parametrize("image", [True, False])
def test_a_section_kicker_above_the_standfirst_is_dropped(image: bool) -> None:
    """`Opinion` / `In Depth` saved above the standfirst joined the subtitle (with an image), or, on
    a page without one, the standfirst and the labels went into the body."""
    head = [*IMAGE, "By", "published"] if image else ["By", "published"]
    rec = parse(page(HEADER, "", "In Depth", "", "Plots are scarce and the queues are getting longer", "", *head, "",
                     P1, "", P2))
    assert rec["subtitle"] == "Plots are scarce and the queues are getting longer"
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_a_standfirst_split_at_a_link_is_no_kicker() -> None:
    rec = parse(page(HEADER, "", "Councils say plots are", "", "scarce and the queues are getting longer", "", *IMAGE,
                     "By", "published", "", P1))
    assert rec["subtitle"] == "Councils say plots are\n\nscarce and the queues are getting longer"


def test_a_lead_videos_title_glued_on_the_labels_stays_out_of_the_body() -> None:
    """A video in place of the lead image leaves its title (and player time) over `By` / `published`,
    with no image credit: the labels under two paragraphs went into the body."""
    rec = parse(page(HEADER, "", "Plots are scarce and the queues are getting longer", "",
                     "Watch: an allotment in Leeds from the air", "0:00 / 2:31", "By", "published", "", P1, "", P2))
    assert rec["subtitle"] == "Plots are scarce and the queues are getting longer"
    assert rec["body"] == f"{P1}\n\n{P2}" and rec["image_caption"] is None
    # Without a time label under it, a `By` line two paragraphs down is text ("By Train" as a subheading).
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Getting there", "By Train", "", P1))
    assert "By Train" in rec["body"]


def test_signature_without_bio_and_no_signature() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Inês O’Sullivan, The Week US"))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Inês O’Sullivan", "The Week US", None)
    rec = parse(page(HEADER, "", P1, "", P2, "", *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == (None, None, None)
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_bio_wrapped_in_nbsp_is_stripped() -> None:
    rec = parse(page(HEADER, "", P1, "", "Yusuf Demir, The Week UK", "",
                     f"{NBSP}{NBSP} Yusuf Demir covers science. He lives in Dundee.{NBSP} ", "", *FOOTER))
    assert rec["author_bio"] == "Yusuf Demir covers science. He lives in Dundee."


def test_footer_is_dropped_with_or_without_arrow() -> None:
    for footer in (FOOTER, ["Latest", "You might also like", "View More"], ["Latest"]):
        assert parse(page(HEADER, "", P1, "", P2, "", *footer))["body"] == f"{P1}\n\n{P2}"


def test_latest_line_inside_the_body_does_not_cut_it() -> None:
    rec = parse(page(HEADER, "", P1, "", "Latest", "", P2, "", P3, "", "Ana Demir, The Week UK", "",
                     "Ana Demir writes about cities.", "", *FOOTER))
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{P3}"
    assert (rec["author"], rec["author_bio"]) == ("Ana Demir", "Ana Demir writes about cities.")


# ---------------------------------------------------------------- layouts beyond the sample

IMAGE = ["Volunteers clearing a plot in Leeds", "(Image credit: Kit Marlowe / Allotment Trust)"]


@pytest.mark.parametrize("first", ["To continue reading this article\u2026", "To continue reading this article",
                                   "To continue reading this article.", "TO CONTINUE READING THIS ARTICLE..."])
def test_paywall_first_line_with_an_ellipsis_or_no_dots(first: str) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, first, *PAYWALL[1:], "Amara Okafor, The Week UK", "", "Amara writes."))
    assert rec["truncated"] is True and rec["body"] == f"{P1}\n\n{P2}"
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Amara Okafor", "The Week UK", "Amara writes.")


def test_related_headlines_that_are_questions_are_footer_not_body() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Amara Okafor, The Week UK", "", "Amara writes about gardens.", "",
                     "Latest", "Is the hosepipe ban here to stay?", "Who really owns Britain's parks?",
                     "Ten plants that survive a drought", *FOOTER[1:]))
    assert rec["body"] == f"{P1}\n\n{P2}"
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Amara Okafor", "The Week UK",
                                                                      "Amara writes about gardens.")


@pytest.mark.parametrize("footer", [
    ["You might also like", "Where to see the bluebells this spring", "View More \u25b8"],  # no "Latest"
    ["Latest", "The quiet crisis in Britain's orchards\u2026", "Allotments, explained.", "You might also like",
     "Quiz of the week:", "View More \u25b8"],  # teasers that end like sentences
    ["More from The Week", "Where to see the bluebells this spring", "Is it time to sell your allotment?", *FOOTER],
    ["Trending", "The ten best compost bins", "Who will win Britain in Bloom?"],
])
def test_related_headline_lists_under_a_footer_heading_are_footer(footer: list[str]) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Amara Okafor, The Week UK", "", "Amara writes about gardens.", "",
                     *footer))
    assert rec["body"] == f"{P1}\n\n{P2}"
    assert (rec["author"], rec["author_bio"]) == ("Amara Okafor", "Amara writes about gardens.")


@pytest.mark.parametrize("bio", [["Amara writes about gardens.", ""], []])
@pytest.mark.parametrize("paywall", [False, True])
def test_a_related_headline_shaped_like_a_signature_is_footer(bio: list[str], paywall: bool) -> None:
    """`Starmer, Reeves and the budget` reads as `Name, Publication`; under a footer heading it is a
    teaser, and must neither hide the signature above it nor be taken for one."""
    middle = PAYWALL if paywall else [""]
    rec = parse(page(HEADER, "", P1, "", P2, *middle, "Amara Okafor, The Week UK", "", *bio,
                     "Latest", "Starmer, Reeves and the budget", "Harris, Walz and the ground game", *FOOTER[1:]))
    assert rec["body"] == f"{P1}\n\n{P2}" and rec["truncated"] is paywall
    assert (rec["author"], rec["publication"]) == ("Amara Okafor", "The Week UK")
    assert rec["author_bio"] == (bio[0] if bio else None)


@pytest.mark.parametrize("after, want", [
    (["Kyiv, Ukraine", "", "Amara Okafor, The Week UK", "", "Amara writes."], ("Amara Okafor", "The Week UK")),
    (["Amara Okafor, Daily Mail", "", "Amara writes."], ("Amara Okafor", "Daily Mail")),
    (["", "Photo gallery", "Kyiv, Ukraine", "", *FOOTER], (None, None)),
])
def test_after_a_paywall_the_signature_is_where_one_sits(after: list[str], want: tuple[object, object]) -> None:
    """Not just the first `X, Y` line after the paywall: the site's own signature wherever it is,
    else one right under the paywall, or one naming a publication the usual way."""
    rec = parse(page(HEADER, "", P1, "", P2, *PAYWALL, *after))
    assert (rec["author"], rec["publication"]) == want and rec["body"] == f"{P1}\n\n{P2}"


def test_paragraphs_under_a_latest_heading_stay_in_the_body() -> None:
    rec = parse(page(HEADER, "", P1, "", "Latest", "", P2, "", P3))  # (the heading line itself is boilerplate)
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{P3}"


@pytest.mark.parametrize("name", ["María de los Ángeles", "Siti binti Abdullah", "Gerard \u2019t Hooft",
                                  "Anna af Klint", "Ann Lee, Bo Park, and Cy Dunn", "Mário e Silva",
                                  "Chiara delle Piane",
                                  "李静", "محمد العلي", "Yusuf al-Rashid", "Inês do Carmo", "Luca d'Amico",
                                  "Sara Lind and Tom Berg", "Ngozi Adichie-Obi", "प्रिया शर्मा", "สมชาย ใจดี",
                                  "علی\u200cرضا کریمی", "Chloé Ashworth\u2011Reyes", "Sara Lind & Tom Berg"])
def test_signature_names_in_any_script_with_particles_or_two_authors(name: str) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", f"{name}, The Week UK", "", "A reporter on the land beat."))
    assert (rec["author"], rec["publication"]) == (name, "The Week UK")
    assert rec["body"] == f"{P1}\n\n{P2}" and rec["author_bio"] == "A reporter on the land beat."


@pytest.mark.parametrize("written, name", [("Harriet Ng\u200b", "Harriet Ng"),
                                           ("Max Ober\u00adhollen\u00adzer", "Max Oberhollenzer")])
def test_invisible_characters_in_a_signature_are_left_out_of_the_name(written: str, name: str) -> None:
    for paywall in ([], PAYWALL):
        rec = parse(page(HEADER, "", P1, "", P2, *paywall, "", f"{written}, The Week UK", "", "A reporter."))
        assert (rec["author"], rec["publication"], rec["author_bio"]) == (name, "The Week UK", "A reporter.")
        assert rec["body"] == f"{P1}\n\n{P2}"


def test_a_publication_may_open_with_an_accented_capital_but_not_a_small_letter() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Lukas Egger, Österreich", "", "Lukas writes."))
    assert (rec["author"], rec["publication"]) == ("Lukas Egger", "Österreich")
    rec = parse(page(HEADER, "", P1, "", P2, "", "Lukas Egger, österreich"))
    assert rec["author"] is None and rec["body"].endswith("Lukas Egger, österreich")


@pytest.mark.parametrize("paywall", [[], PAYWALL])
def test_a_bio_of_two_paragraphs_is_kept_whole(paywall: list[str]) -> None:
    bio = ["Amara Okafor covers farming for The Week.", "", "She previously worked at a seed bank."]
    rec = parse(page(HEADER, "", P1, "", P2, *paywall, "", "Amara Okafor, The Week UK", "", *bio, "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Amara Okafor", "The Week UK")
    assert rec["author_bio"] == f"{bio[0]}\n\n{bio[2]}" and rec["body"] == f"{P1}\n\n{P2}"


def test_a_third_last_paragraph_shaped_like_a_signature_needs_a_bio_that_names_it() -> None:
    text = page(HEADER, "", P1, "", "Ruth Ashworth, The Week UK", "", P2, "", P3)
    rec = parse(text)
    assert rec["author"] is None and rec["body"] == f"{P1}\n\nRuth Ashworth, The Week UK\n\n{P2}\n\n{P3}"


def test_a_page_without_blank_lines_still_has_its_signature_and_bio() -> None:
    rec = parse(page(HEADER, "Plots are scarce", "A plot in spring", *IMAGE, "By Amara Okafor",
                     "published 3 June 2022", P1, P2, "Amara Okafor, The Week UK",
                     f"{NBSP}Amara writes about gardens.{NBSP}", *FOOTER))
    assert rec["body"] == f"{P1}\n{P2}" and rec["author_bio"] == "Amara writes about gardens."
    assert (rec["author"], rec["publication"], rec["subtitle"]) == ("Amara Okafor", "The Week UK", "Plots are scarce")


@pytest.mark.parametrize("last, signed", [("Ruth Ashworth, Penzance", False), ("Keir Starmer, Prime Minister", False),
                                          ("The Week Staff, The Week UK", True)])
def test_the_last_of_a_list_of_attributions_is_not_a_signature(last: str, signed: bool) -> None:
    letter = "The licence fee is a bargain compared with any streaming service."
    rec = parse(page(HEADER, "", P1, "Tom Kilbride, Durham", "", letter, "", last, "", *FOOTER))
    assert rec["author"] == (last.split(",")[0] if signed else None)
    assert rec["body"] == f"{P1}\nTom Kilbride, Durham\n\n{letter}" + ("" if signed else f"\n\n{last}")


def test_the_last_item_of_an_unsigned_round_up_with_its_summary_is_not_a_signature() -> None:
    items = ["‘Plots are the new gold’", "Jane Roe, The Guardian", "", "Waiting lists keep growing.", "",
             "‘Councils must sell land’", "Tom Berg, The Spectator", "", "Sell the car parks, he argues."]
    rec = parse(page(HEADER, "", P1, "", *items))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == (None, None, None)
    assert rec["body"].endswith("Tom Berg, The Spectator\n\nSell the car parks, he argues.")
    # The same round-up signed, with a bio that names its author, keeps its signature.
    rec = parse(page(HEADER, "", P1, "", *items, "", "Amara Okafor, The Week UK", "", "Amara Okafor writes."))
    assert (rec["author"], rec["author_bio"]) == ("Amara Okafor", "Amara Okafor writes.")


def test_a_round_up_item_whose_summary_names_its_writer_is_still_no_signature() -> None:
    items = ["Jane Roe, The Guardian", "", "Roe thinks the waiting lists will keep growing.", "",
             "Tom Berg, The Telegraph", "", "Berg says councils must sell land."]
    rec = parse(page(HEADER, "", P1, "", *items))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == (None, None, None)
    assert rec["body"].endswith("Tom Berg, The Telegraph\n\nBerg says councils must sell land.")


@pytest.mark.parametrize("last", ["Baby Reindeer, Netflix", "The Fish, Broadway", "Jane Roe, The Guardian"])
def test_a_name_and_place_closing_the_last_paragraph_is_no_signature(last: str) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Where to watch it", last, "", *FOOTER))
    assert (rec["author"], rec["publication"]) == (None, None)
    assert rec["body"] == f"{P1}\n\n{P2}\n\nWhere to watch it\n{last}"
    rec = parse(page(HEADER, "", P1, "", P2, "Amara Okafor, The Week UK", "", *FOOTER))  # the site's own: signed
    assert (rec["author"], rec["publication"], rec["body"]) == ("Amara Okafor", "The Week UK", f"{P1}\n\n{P2}")


def test_two_byline_lines_name_both_authors() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Amara Okafor", "By Tom Berg",
                     "published 3 June 2022", "", P1))
    assert rec["author"] == "Amara Okafor and Tom Berg" and rec["body"] == P1


def test_promotional_lines_between_the_image_and_the_byline_take_no_place_in_the_head() -> None:
    promos = ["Subscribe to The Week", "", "Escape your echo chamber. Get the facts behind the news, plus analysis "
              "from multiple perspectives.", "", "SUBSCRIBE & SAVE", "https://cdn.example.com/promo.jpg"]
    rec = parse(page(HEADER, "", "Plots are scarce", "", *promos, "", *IMAGE, "", *promos, "", "By Amara Okafor",
                     "published 3 June 2022", "", P1))
    assert (rec["subtitle"], rec["author"], rec["body"]) == ("Plots are scarce", "Amara Okafor", P1)
    assert (rec["image_caption"], rec["image_credit"]) == (IMAGE[0], "Kit Marlowe / Allotment Trust")


@pytest.mark.parametrize("promo", ["Subscribe to The Week US", "SUBSCRIBE &amp; SAVE", "Social Links Navigation",
                                   "Contact me with news and offers from other Future brands",
                                   "By submitting your information you agree to the Terms & Conditions and Privacy "
                                   "Policy and are aged 16 or over.",
                                   "When you purchase through links on our site, we may earn an affiliate commission. "
                                   "Here\u2019s how it works.",
                                   "//cdn.mos.example.net/flexiimages/promo.jpg?w=600"])
def test_promotional_variants_are_dropped(promo: str) -> None:
    assert parse(page(HEADER, "", P1, "", promo, "", P2))["body"] == f"{P1}\n\n{P2}"


def test_a_paywall_first_line_with_another_ending_is_the_paywall() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "To continue reading this article, subscribe to The Week US",
                     *PAYWALL[1:], "Amara Okafor, The Week US", "", "Amara writes."))
    assert rec["truncated"] is True and rec["body"] == f"{P1}\n\n{P2}" and rec["publication"] == "The Week US"


@pytest.mark.parametrize("name", ["Dafydd ap Rhys", "Nia ferch Gwyn", "David ben Ami"])
def test_a_signature_name_with_a_welsh_or_hebrew_particle_signs(name: str) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", f"{name}, The Week UK", "", "A writer."))
    assert (rec["author"], rec["publication"], rec["author_bio"], rec["body"]) == (name, "The Week UK", "A writer.",
                                                                                  f"{P1}\n\n{P2}")


def test_a_bare_credit_label_opening_a_sentence_is_text() -> None:
    line = "Credit: the council says it will pay for the new plots."
    assert parse(page(HEADER, "", "Plots are scarce", "", P1, "", line, "", P2))["body"] == f"{P1}\n\n{line}\n\n{P2}"


@pytest.mark.parametrize("items", [
    # A round-up of columns: "Name, Paper" with the summary right under it, no blank line between.
    [["Tom Abbott, The Wall Street Journal", "The party hid his decline for a year."],
     ["Lena Vos, The Atlantic", "Harris has a month to introduce herself."]],
    # TV picks: "Show, Channel" over a description that names the show.
    [["Gavin & Stacey, BBC One", "The finale of Gavin & Stacey, at last."],
     ["The Traitors, BBC One", "The Traitors returns for a third series."]],
])
def test_the_last_item_of_a_round_up_with_its_summary_under_it_is_no_signature(items: list[list[str]]) -> None:
    paras = ["\n".join(item) for item in items]
    rec = parse(page(HEADER, "", P1, "", *(p + "\n" for p in paras), *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == (None, None, None)
    assert rec["body"] == "\n\n".join([P1, *paras])


def test_a_quotations_attribution_closing_a_paragraph_is_no_signature() -> None:
    quote = "\u201cWe are not going away, and ministers know it.\u201d\nMick Rourke, Aslef"
    last = "Rourke\u2019s union will ballot members again in the spring."
    rec = parse(page(HEADER, "", P1, "", quote, "", last))
    assert (rec["author"], rec["publication"]) == (None, None) and rec["body"] == f"{P1}\n\n{quote}\n\n{last}"


@pytest.mark.parametrize("last, signed", [("Royal Court Theatre, London", False), ("Jane Doe, Reuters", True),
                                          ("Jane Doe, The Week UK", True)])
def test_a_last_line_without_a_bio_signs_only_as_the_site_or_a_wire_service(last: str, signed: bool) -> None:
    rec = parse(page(HEADER, "", P1, "", "Until 29 June. Tickets from \u00a315.", "", last))
    assert (rec["author"] is not None) is signed
    assert rec["body"].endswith(last) is not signed


@pytest.mark.parametrize("signature, author", [
    ("Rafael Ortiz, Dana Kemp and Joel Marsh, The Week US", "Rafael Ortiz, Dana Kemp and Joel Marsh"),
    ("Dana Kemp, Senior Business Writer, The Week US", "Dana Kemp"),
    ("Dana Kemp, senior business writer, The Week US", "Dana Kemp"),
    ("\u2014 Dana Kemp, The Week US", "Dana Kemp"),  # set off with a dash
    ("J\u00fcrgen Wei\u00df und Lena Hoffmann, The Week US", "J\u00fcrgen Wei\u00df und Lena Hoffmann"),
    ("Claire Martin et Paul Roux, The Week US", "Claire Martin et Paul Roux"),
])
@pytest.mark.parametrize("paywall", [True, False])
def test_the_sites_signature_with_several_names_or_a_role(signature: str, author: str, paywall: bool) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, *(PAYWALL if paywall else [""]), signature, "", "A writer.", "",
                     *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == (author, "The Week US", "A writer.")
    assert rec["body"] == f"{P1}\n\n{P2}" and rec["truncated"] is paywall


def test_a_signature_whose_second_part_is_a_role_names_no_publication() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Dana Kemp, Staff Writer", "", "Dana Kemp is a writer.", "",
                     *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Dana Kemp", None, "Dana Kemp is a writer.")
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_a_dash_before_a_name_and_publication_in_the_text_is_no_signature() -> None:
    """Only the site's own signature is read through a dash: a quotation's attribution is text."""
    rec = parse(page(HEADER, "", P1, "", "\u201cIt is a scandal.\u201d", "\u2014 Dana Kemp, The Guardian"))
    assert rec["publication"] is None and rec["body"].endswith("\u2014 Dana Kemp, The Guardian")


@pytest.mark.parametrize("paras", [3, 4])
@pytest.mark.parametrize("article", [[P1], [P1, P2, P1 + " Again.", P2 + " Still."]])
def test_an_author_box_over_a_bio_of_three_or_four_paragraphs(paras: int, article: list[str]) -> None:
    bio = ["Dana Kemp is a senior writer at The Week, covering local government.",
           "Before joining The Week, she spent eight years at regional papers.",
           "In 2022 she was shortlisted for an award.", "She lives in Hull."][:paras]
    rec = parse(page(HEADER, "", *[x for p in article for x in (p, "")], "Dana Kemp, The Week UK", "",
                     *[x for b in bio for x in (b, "")], *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Dana Kemp", "The Week UK")
    assert rec["author_bio"] == "\n\n".join(bio) and rec["body"] == "\n\n".join(article)


def test_what_is_not_about_the_writer_under_a_box_is_no_long_bio() -> None:
    """Under the box and its bio, paragraphs that neither name the writer nor speak of them stay
    out of the bio."""
    rec = parse(page(HEADER, "", P1, "", "Dana Kemp, The Week UK", "", "Dana Kemp is a writer.", "",
                     "The council meets again in June.", "", "Residents can comment until then.", "", *FOOTER))
    assert (rec["author"], rec["author_bio"]) == ("Dana Kemp", "Dana Kemp is a writer.")


CARDS = ["Latest", "", "Why e-bikes are booming", "Sales doubled last year, retailers say.", "",
         "The town that banned cars", "Residents say it worked.", "", "You might also like", "",
         "The best walks in Wales", "Ten routes for spring.", "", "View More \u25b8"]


@pytest.mark.parametrize("signed", [False, True])
def test_teaser_cards_with_summaries_between_the_templates_footer_headings_are_footer(signed: bool) -> None:
    box = ["Dana Kemp, The Week UK", "", "Dana Kemp writes about wildlife.", ""] if signed else []
    rec = parse(page(HEADER, "", P1, "", *box, *CARDS))
    assert rec["body"] == P1
    assert (rec["publication"], rec["author_bio"]) == (("The Week UK", "Dana Kemp writes about wildlife.") if signed
                                                       else (None, None))


def test_the_articles_own_latest_section_over_the_footer_stays_text() -> None:
    latest = ["Latest", "The council voted again on Tuesday.", "", "The plan now goes to the minister."]
    rec = parse(page(HEADER, "", P1, "", *latest, "", "Latest", "You might also like", "The best walks in Wales",
                     "View More \u25b8"))
    assert rec["body"] == "\n\n".join([P1, latest[1], latest[3]])  # (the line `Latest` is the catalogue's)


@pytest.mark.parametrize("bio", [["About the author", "Dana Kemp is a writer."],
                                 ["About the writer:", "Dana Kemp is a writer."]])
def test_the_author_boxs_heading_is_not_the_bio(bio: list[str]) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Dana Kemp, The Week UK", "", *bio, "", *FOOTER))
    assert rec["author_bio"] == "Dana Kemp is a writer." and rec["body"] == f"{P1}\n\n{P2}"


def test_a_bio_sentence_that_opens_like_the_boxs_heading_is_kept() -> None:
    bio = "About the author of this piece: Dana Kemp is a writer."
    rec = parse(page(HEADER, "", P1, "", P2, "", "Dana Kemp, The Week UK", "", bio, "", *FOOTER))
    assert rec["author_bio"] == bio


@pytest.mark.parametrize("kicker", ["Obituaries", "Books", "Letters", "Crossword", "Good news"])
def test_a_section_kicker_over_the_standfirst_of_a_page_without_an_image(kicker: str) -> None:
    rec = parse(page(HEADER, "", kicker, "", "Plots are scarce in six cities", "", "By", "published 3 June 2022", "",
                     P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce in six cities", f"{P1}\n\n{P2}")


def test_the_sites_bare_labels_under_two_paragraphs_without_an_image_are_labels() -> None:
    """A bare `By` over `published` is the site's label pair, never article text: under a kicker and
    a standfirst (or two paragraphs) it was left in the body."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Councils blame the cost of land", "", "By",
                     "published 3 June 2022", "", P1, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}" and "published" not in (rec["subtitle"] or "")


@pytest.mark.parametrize("block", [["Political cartoon", "By Dave Granlund"], ["By Dave Granlund"]])
def test_a_caption_naming_a_cartoonist_over_the_credit_is_the_caption_not_a_byline(block: list[str]) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *block, "(Image credit: Dave Granlund / Cagle Cartoons)",
                     "By", "published 3 June 2022", "", P1, "", P2, "", "Dana Kemp, The Week US", "", "A writer.",
                     "", *FOOTER))
    assert (rec["image_caption"], rec["image_credit"]) == ("By Dave Granlund", "Dave Granlund / Cagle Cartoons")
    assert (rec["author"], rec["body"]) == ("Dana Kemp", f"{P1}\n\n{P2}")


def test_a_by_line_over_an_image_in_the_body_is_still_the_byline() -> None:
    """Without labels under the credit, a `By NAME` line above the image block is the byline."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", "By Ana Demir", "", P1, "", "A plot in Leeds",
                     "(Image credit: Kit Marlowe)", "", P2))
    assert rec["author"] == "Ana Demir" and rec["image_credit"] is None


@pytest.mark.parametrize("last", ["Ann Bellamy, The Observer's chief film critic",
                                  "Sir Gideon Marlowe, The Morning Courier editor 1971-88"])
def test_a_closing_name_with_a_description_is_no_signature(last: str) -> None:
    rec = parse(page(HEADER, "", P1, "", last))
    assert (rec["author"], rec["publication"], rec["body"]) == (None, None, f"{P1}\n\n{last}")


def test_a_kicker_over_a_standfirst_glued_on_the_labels_leaves_the_standfirst() -> None:
    """The glued paragraph is dropped as a lead video's title only when no kicker is above it: the
    kicker was kept as the subtitle and the standfirst lost."""
    rec = parse(page(HEADER, "", "Today's big question", "", "Plots are scarce in six cities", "By",
                     "published 3 June 2022", "", P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce in six cities", f"{P1}\n\n{P2}")


def test_a_line_with_commas_closing_an_unsigned_page_is_text() -> None:
    rec = parse(page(HEADER, "", P1, "", "Paris, Texas, The Guardian"))
    assert rec["author"] is None and rec["body"] == f"{P1}\n\nParis, Texas, The Guardian"


@pytest.mark.parametrize("after", [["Topics", "UK Politics", "Trade unions"],
                                   ["Editor\u2019s picks", "Is the four-day week coming?", "Gardens to visit"]])
@pytest.mark.parametrize("paywall", [True, False])
def test_a_heading_over_a_list_after_the_bio_is_not_bio(after: list[str], paywall: bool) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, *(PAYWALL if paywall else [""]), "Owen Pryce, The Week UK", "",
                     "Owen Pryce is a political writer.", "", *after, "", *FOOTER))
    assert (rec["author"], rec["author_bio"]) == ("Owen Pryce", "Owen Pryce is a political writer.")
    assert rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("paywall", [True, False])
@pytest.mark.parametrize("second", ["Carl Dunn is a political writer.", "He joined The Week in 2022."])
def test_two_author_boxes_name_both_authors(paywall: bool, second: str) -> None:
    boxes = ["Anna Bell, The Week UK", "", "Anna Bell is The Week\u2019s economics writer.", "",
             "Carl Dunn, The Week UK", "", f"{NBSP}{second}{NBSP}"]
    rec = parse(page(HEADER, "", P1, "", P2, *(PAYWALL if paywall else [""]), *boxes, "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Anna Bell and Carl Dunn", "The Week UK")
    assert rec["author_bio"] == f"Anna Bell is The Week\u2019s economics writer.\n\n{second}"
    assert rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("above, signed", [("\u201cIt is governing by trailer.\u201d", False),
                                          ("\"We will ballot again,\" she said, \"in spring.\"", False),
                                          (P2, True)])
def test_name_paper_under_a_quotation_is_its_attribution(above: str, signed: bool) -> None:
    rec = parse(page(HEADER, "", P1, "", above, "", "Harriet Quill, The Guardian"))
    assert (rec["author"] == "Harriet Quill") is signed
    assert rec["body"].endswith("Harriet Quill, The Guardian") is not signed


@pytest.mark.parametrize("glued", [True, False])
def test_a_staff_round_up_whose_items_carry_the_sites_attribution_is_unsigned(glued: bool) -> None:
    """Each item ends (or opens) with `Name, Role, The Week US`: the last one is an item, not the signature."""
    items = [("Theo Lee, Senior Writer, The Week US", "A film worth the trip to the cinema."),
             ("Ana Ruiz, Staff Writer, The Week US", "A novel about a family and its farm."),
             ("Joel Marsh, Editor, The Week US", "A podcast on the history of maps.")]
    paras = [f"{text}\n{name}" if glued else f"{name}\n{text}" for name, text in items]
    rec = parse(page(HEADER, "", P1, "", *"\n\n".join(paras).split("\n"), "", *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == (None, None, None)
    assert rec["body"] == "\n\n".join([P1, *paras])


def test_a_bio_opening_with_the_authors_role_is_kept_after_a_paywall() -> None:
    bio = "Senior Writer\nDana Kemp covers tax and the economy for The Week."
    rec = parse(page(HEADER, "", P1, *PAYWALL, "Dana Kemp, The Week UK", "", *bio.split("\n"), "", *FOOTER))
    assert (rec["author"], rec["author_bio"], rec["truncated"]) == ("Dana Kemp", bio, True)


@pytest.mark.parametrize("first_bio", [[], ["Anna Bell writes on the economy."],
                                       ["Anna Bell writes on the economy.", "She lives in Leeds."]])
def test_two_author_boxes_whatever_the_first_bio(first_bio: list[str]) -> None:
    boxes = ["Anna Bell, The Week UK", "", *(ln for b in first_bio for ln in (b, "")),
             "Carl Dunn, The Week UK", "", "Carl Dunn is a political writer."]
    rec = parse(page(HEADER, "", P1, "", P2, "", *boxes, "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Anna Bell and Carl Dunn", "The Week UK")
    assert rec["author_bio"] == "\n\n".join([*first_bio, "Carl Dunn is a political writer."])
    assert rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("after", [["Topics", "UK Politics", "Trade unions", "Keir Starmer"], []])
def test_a_bio_glued_under_the_signature_with_a_second_paragraph_and_tags(after: list[str]) -> None:
    quote = "\u201cWe cannot keep doing this,\u201d one leader said.\nTessa Lind, The Times"  # (no round-up)
    rec = parse(page(HEADER, "", P1, "", *quote.split("\n"), "", P2, "", "Dana Raman, The Week UK",
                     "Dana Raman is a senior writer.", "", "She was at the FT.", "", *after, "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Dana Raman", "The Week UK")
    assert rec["author_bio"] == "Dana Raman is a senior writer.\n\nShe was at the FT."
    assert rec["body"] == f"{P1}\n\n{quote}\n\n{P2}"


def test_an_eight_word_name_with_particles_signs() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Ana María de la Fuente y Núñez, The Week UK", "", "Ana escribe."))
    assert (rec["author"], rec["author_bio"]) == ("Ana María de la Fuente y Núñez", "Ana escribe.")


@pytest.mark.parametrize("promo", ["Escape your echo chamber. Get the facts behind the news, plus analysis from "
                                   "multiple perspectives", "Cancel or pause at any time",
                                   "From our morning news briefing to a weekly Good News Newsletter, get the best of "
                                   "The Week delivered directly to your inbox"])
def test_catalogue_sentences_without_their_full_stop_are_still_boilerplate(promo: str) -> None:
    assert parse(page(HEADER, "", P1, "", promo, "", P2))["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("wrapped", [
    ["Escape your echo chamber. Get the facts behind the news,", "plus analysis from multiple perspectives."],
    ["Escape your echo chamber.", "Get the facts behind the news, plus analysis", "from multiple perspectives."],
    ["From our morning news briefing to a weekly Good News Newsletter,",
     "  get the best of The Week delivered directly to your inbox."]])
def test_a_promotional_block_wrapped_over_lines_is_dropped(wrapped: list[str]) -> None:
    text = page(HEADER, "", P1, "", *wrapped, "", P2, "", *wrapped, "SUBSCRIBE & SAVE", P3)
    assert parse(text)["body"] == f"{P1}\n\n{P2}\n\n{P3}"


@pytest.mark.parametrize("marked", ["\u2022 Sign up for The Week's Free Newsletters", "* SUBSCRIBE & SAVE", "- Sign up",
                                    "\u00b7 Subscribe to The Week", "Subscribe to The Week:"])
def test_a_promo_line_behind_a_lists_marker_or_with_a_colon_is_dropped(marked: str) -> None:
    """Audit l35: a scraper that saves list items with a marker kept the box's lines in the body."""
    rec = parse(page(HEADER, "", P1, "", marked, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("marked", ["### Subscribe to The Week", "**Sign up**", "<p>Sign up</p>",
                                    "[SUBSCRIBE & SAVE](https://subscribe.example.com/offer)",
                                    "[SUBSCRIBE & SAVE](https://subscribe.example.com/o) ![](https://cdn.example.com/a.jpg)",
                                    "## Sign up for The Week\u2019s Free Newsletters"])
def test_a_promo_line_in_the_markdown_or_html_a_scraper_kept_is_dropped(marked: str) -> None:
    """Audit t36: html2text and other Markdown scrapers write the site's boxes as headings, links and
    buttons with their image; those lines stayed in the body."""
    rec = parse(page(HEADER, "", P1, "", marked, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"
    # A heading of the text is kept as written.
    rec = parse(page(HEADER, "", P1, "", "## Why it matters", "", P2))
    assert rec["body"] == f"{P1}\n\n## Why it matters\n\n{P2}"


@pytest.mark.parametrize("marked", ["  ### Sign up for The Week\u2019s Free Newsletters", "SUBSCRIBE & SAVE []"])
def test_an_indented_markdown_promo_or_pandocs_empty_image_is_dropped(marked: str) -> None:
    """Audit u36: trafilatura's Markdown indents headings; pandoc writes an image with no alt as `[]`."""
    assert parse(page(HEADER, "", P1, "", marked, "", P2))["body"] == f"{P1}\n\n{P2}"
    rec = parse(page(HEADER, "", P1, "", "  ### " + PAYWALL[0], "", *PAYWALL[1:]))
    assert (rec["body"], rec["truncated"]) == (P1, True)


def test_a_markdown_heading_first_is_no_standfirst() -> None:
    """Audit u36: trafilatura drops the page's top, so a subheading of the text may come first; with its
    `##` it became the subtitle."""
    rec = parse(page(HEADER, "", "## Where the plots are", "", P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == (None, f"## Where the plots are\n\n{P1}\n\n{P2}")


def test_the_paywall_and_footer_in_markdown() -> None:
    """Audit t36: `### To continue reading this article...` stayed as the body's last line, and the
    footer's `## Latest` / `[View More ▸](/news)` joined the bio (or the body without a signature)."""
    paywall = ["### " + PAYWALL[0], *PAYWALL[1:-1], PAYWALL[-1].replace("Contact us", "[Contact us](/contact)")]
    footer = ["## Latest", "", "## You might also like", "", "[View More \u25b8](/news)"]
    rec = parse(page(HEADER, "", P1, "", P2, "", *paywall, "[Ana Demir](/author/ana), The Week UK", "",
                     "Ana Demir writes on cities.", "", *footer))
    assert (rec["body"], rec["truncated"], rec["author"], rec["author_bio"]) == (
        f"{P1}\n\n{P2}", True, "Ana Demir", "Ana Demir writes on cities.")
    rec = parse(page(HEADER, "", P1, "", P2, "", *footer))
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_a_lists_item_that_reads_like_a_promo_stays() -> None:
    """In a list of the text the same line is an item: only a marked line that is a paragraph of its
    own is the box's."""
    steps = ["- Sign up", "- Pick a plot", "- Wait eight years"]
    rec = parse(page(HEADER, "", P1, "", *steps, "", P2))
    assert rec["body"] == f"{P1}\n\n" + "\n".join(steps) + f"\n\n{P2}"
    rec = parse(page(HEADER, "", P1, "", "- Sign up today", "", P2))
    assert "- Sign up today" in rec["body"]


def test_a_body_paragraph_wrapped_over_lines_that_only_starts_like_a_promo_stays() -> None:
    para = ["Escape your echo chamber. Get the facts behind the news,", "said the campaign's founder, Noémie Lefèvre."]
    assert parse(page(HEADER, "", P1, "", *para, "", P2))["body"] == f"{P1}\n\n{para[0]}\n{para[1]}\n\n{P2}"


@pytest.mark.parametrize("promo", ["Sign up for The Week&#8217;s Free Newsletters", "Sign&nbsp;up",
                                   "Subscribe to The Week\u200b", "&nbsp;SUBSCRIBE &amp; SAVE&nbsp;",
                                   "Sign up for The Week&rsquo;s Free Newsletters"])
def test_promotional_lines_with_html_entities_or_invisible_characters_are_dropped(promo: str) -> None:
    assert parse(page(HEADER, "", P1, "", promo, "", P2))["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("promo", ["Subscribe to The Week \u203a", "SUBSCRIBE & SAVE \u203a", "Sign up \u2192",
                                   "\U0001f4e9 Sign up for The Week\u2019s Free Newsletters", "Sign up >",
                                   "\u00bb Subscribe to The Week", "\u2709\ufe0f Sign up", "Latest \u25b6"])
def test_promotional_buttons_saved_with_their_icons_are_dropped(promo: str) -> None:
    assert parse(page(HEADER, "", P1, "", promo, "", P2))["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("line", ["\u2192 Read the full report", "Rating: \u2605\u2605\u2605\u2605", "5 > 3"])
def test_a_text_line_with_a_symbol_at_an_end_stays(line: str) -> None:
    assert parse(page(HEADER, "", P1, "", line, "", P2))["body"] == f"{P1}\n\n{line}\n\n{P2}"


@pytest.mark.parametrize("spacer", ["&nbsp;", " &nbsp; ", "&#160;&#160;", "&#8203;", "&nbsp;\u200b"])
def test_a_line_of_html_spaces_is_blank(spacer: str) -> None:
    rec = parse(page(HEADER, "", P1, spacer, P2, "", "&amp;", P3))
    assert rec["body"] == f"{P1}\n\n{P2}\n\n&\n{P3}"  # ("&amp;" is text: an ampersand, decoded)
    assert not is_boilerplate(spacer)


def test_a_sentence_that_opens_like_the_paywall_is_text() -> None:
    line = "To continue reading this article, readers of the parish newsletter now need a day pass."
    rec = parse(page(HEADER, "", P1, "", line, "", P2, "", P3))
    assert rec["truncated"] is False and rec["body"] == f"{P1}\n\n{line}\n\n{P2}\n\n{P3}"


@pytest.mark.parametrize("below", [[""], ["", P3, ""], []])
def test_a_sentence_that_opens_like_the_paywall_above_the_real_block_is_text(below: list[str]) -> None:
    """Only the block's own first line (or another ending of it with more of the block right under
    it) starts the paywall: a sentence above the real block, a blank line or a paragraph away, stays."""
    line = "To continue reading this article's argument, go back to the parish minutes of 2019."
    rec = parse(page(HEADER, "", P1, "", line, *below, *PAYWALL, "Amara Okafor, The Week UK"))
    kept = [P1, line, *(p for p in below if p)]
    assert rec["truncated"] is True and rec["body"] == "\n\n".join(kept)
    assert rec["author"] == "Amara Okafor"
    opening = parse(page(HEADER, "", line, "", *PAYWALL))  # (opening the body: a page, not a refusal)
    assert opening["body"] == line and opening["truncated"] is True


def test_the_registration_wall_is_a_paywall() -> None:
    wall = ["Continue reading for free", "We hope you’re enjoying The Week's refreshingly open-minded journalism.",
            "Subscribed to The Week? Register your account with the same email as your subscription."]
    rec = parse(page(HEADER, "", P1, "", P2, *wall, "", "Amara Okafor, The Week UK", "", "Amara writes."))
    assert (rec["body"], rec["truncated"], rec["author"]) == (f"{P1}\n\n{P2}", True, "Amara Okafor")


@pytest.mark.parametrize("card_byline", ["By Ravi Menon Published", "By Ravi Menon, The Week UK Published",
                                         "By Ravi Menon, The Week US Last updated"])
def test_a_related_cards_byline_is_no_signature(card_byline: str) -> None:
    """A card's byline under `Latest` names its own writer and the site, with its time label: the
    article's signature and bio stay the article's, the cards are footer."""
    rec = parse(page(HEADER, "", P1, "", P2, "", "Amara Okafor, The Week UK", "", "Amara writes about towns.", "",
                     "Latest", "", "-", "", "Seed swaps return to village halls", "",
                     "The Explainer Why gardeners trade more than seeds", "", card_byline))
    assert (rec["author"], rec["publication"], rec["author_bio"], rec["body"]) == (
        "Amara Okafor", "The Week UK", "Amara writes about towns.", f"{P1}\n\n{P2}")


@pytest.mark.parametrize("blank", ["", None])
def test_related_cards_under_the_newsletter_box_are_dropped(blank: str | None) -> None:
    """The carousel a scraper saves mid-page, under the US newsletter box: `-` markers over a headline,
    the kicker and teaser, a byline whose date was lost; blank lines between or none; the article goes on."""
    gap = [blank] if blank is not None else []
    cards = ["-", *gap, "Seed swaps return to village halls", *gap, "The Explainer Why gardeners trade seeds", *gap,
             "By Ravi Menon Published", *gap, "-", *gap, "Rooftop hives multiply in the city?In the Spotlight Bees "
             "are back", *gap, "By The Week US Published"]
    box = ["Sign up for Today's Best Articles in your inbox",
           "A free daily email with the biggest news stories of the day – and the best features from TheWeek.com"]
    rec = parse(page(HEADER, "", P1, "", *box, "", *cards, "", P2, "", P3))
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{P3}"
    end = parse(page(HEADER, "", P1, "", P2, "", *cards[:-1 - len(gap)]))  # (the last card cut off: no byline)
    assert end["body"] == f"{P1}\n\n{P2}"


def test_a_list_saved_with_dash_lines_is_text() -> None:
    """Items under `-` markers with no card's byline or kicker are the article's own list."""
    items = ["-", "Opinion polls show most tenants want a plot", "-", "Review the waiting list each spring", "-",
             "By the end of May the council will publish the figures"]
    rec = parse(page(HEADER, "", P1, "", *items, "", P2))
    assert rec["body"] == f"{P1}\n\n" + "\n".join(items) + f"\n\n{P2}"


@pytest.mark.parametrize("labels", [["In Review"], ["Speed Reads", "", "First look"], ["In the Spotlight"]])
def test_section_labels_over_the_headline_saved_again_are_dropped(labels: list[str]) -> None:
    rec = parse(page(HEADER, "", *labels, "", "Allotment waiting lists grow longer", "", "Plots are scarce", "",
                     P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce", f"{P1}\n\n{P2}")


@pytest.mark.parametrize("labels", [["Speed Reads", "", "Rail timetables"], ["SPEED READS", "", "Parish Councils"]])
def test_a_topic_tag_under_the_section_label_is_dropped_with_it(labels: list[str]) -> None:
    rec = parse(page(HEADER, "", *labels, "", "Allotment waiting lists grow longer", "", "Plots are scarce", "",
                     P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce", f"{P1}\n\n{P2}")


def test_a_short_paragraph_over_the_headline_saved_again_is_no_tag() -> None:
    """Only under a section's label: a paragraph of its own over the headline stays."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Allotment waiting lists grow longer", "", P1))
    assert rec["subtitle"] == "Plots are scarce"


@pytest.mark.parametrize("promo", ["Sign up to the Travel newsletter for destination guides and the latest trends",
                                   "Sign up to our 10 Things You Need to Know Today newsletter",
                                   "Add us as a preferred source on Google", "Get the The Week Newsletter",
                                   "Sign up for The Week’s Gardening & Home newsletter for planting calendars and "
                                   "tool reviews", "Sign up to the Books & Ideas newsletter…",
                                   "Sign up for our free Weekend newsletter"])
def test_newer_promotional_lines_are_dropped(promo: str) -> None:
    assert parse(page(HEADER, "", P1, "", promo, "", P2))["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("line", ["Sign up rates for the allotment newsletter fell by half, the clerk said.",
                                  "Sign up for the plot lottery before May. The newsletter explains how.",
                                  "Sign up for the free parish newsletter to follow the plot lottery.",
                                  # a checklist's item, no section's name (audit m35)
                                  "Sign up for the school newsletter and the parents' WhatsApp group"])
def test_a_sentence_about_a_newsletter_sign_up_is_text(line: str) -> None:
    assert parse(page(HEADER, "", P1, "", line, "", P2))["body"] == f"{P1}\n\n{line}\n\n{P2}"


def test_follow_us_is_the_templates_only_by_its_other_lines() -> None:
    """`Follow us` by the template's other lines is dropped with them; alone between paragraphs it is a
    heading of the text (an article on a council's social accounts)."""
    ours = parse(page(HEADER, "", P1, "", "Follow us", "", "Add us as a preferred source on Google", "", P2))
    assert ours["body"] == f"{P1}\n\n{P2}"
    theirs = parse(page(HEADER, "", P1, "", "Follow us", "", P2))
    assert theirs["body"] == f"{P1}\n\nFollow us\n\n{P2}"


@pytest.mark.parametrize("line", ["By Tom Roe Published", "By Ann de la Cruz, The Week US Last updated",
                                  "BY TOM ROE PUBLISHED", "By Tom Roe and Ann Poe Updated"])
def test_a_cards_byline_names_a_writer(line: str) -> None:
    assert card_byline(line)


@pytest.mark.parametrize("line", ["By June, the inquiry's final report had been published",
                                  "By then the figures were published", "By Tom Roe, who said it was updated",
                                  "By Monday, Tuesday, the list was updated", "By 2019 Published"])
def test_a_sentence_that_opens_with_by_is_no_cards_byline(line: str) -> None:
    assert not card_byline(line)


DASH_LIST = ["-", "Plots in Leeds", "-", "Plots in Hull"]
SIGN_OFF = ["Amara Okafor, The Week UK", "", "Amara writes about towns."]


@pytest.mark.parametrize("under", [
    ["Analysis of the lists shows the longest waits are in the north.", "", P3],  # (a kicker's word, then lower case)
    ["By June, the council's list had been published", "", P3],  # (no name: no card's byline)
    ["“Feature Films Are Back,” said the clerk, who runs a cinema club.", "", P3],  # (the word after a quote)
    ["Review Board members will meet in May.", ""],  # (a sentence, no teaser: it ends on a full stop)
    ["Councillors saw a preview The Herald printed", ""],  # (a kicker's word inside a word: case counts)
])
def test_paragraphs_and_the_signature_under_a_dash_list_stay(under: list[str]) -> None:
    """A list of the article's own at its end takes no paragraph, signature or bio under it as a card's."""
    rec = parse(page(HEADER, "", P1, "", *DASH_LIST, "", *under, "", *SIGN_OFF))
    assert rec["body"] == "\n\n".join([P1, "\n".join(DASH_LIST), *(p for p in under if p)])
    assert (rec["author"], rec["author_bio"]) == ("Amara Okafor", "Amara writes about towns.")


# Items of an article's own list: any words, a kicker's among them, then lower case (no teaser), or a
# sentence that opens with `By` (no card's byline names someone before its time label).
_OPENERS = ["Review", "Feature", "Analysis", "Opinion", "Quiz", "In Depth", "The Explainer", "Briefing", "By",
            "By June,", "Check", "Plots", "BY", "Speed Reads"]
_WORDS = ["the", "plots", "published", "updated", "waiting", "in", "council", "list", "of", "spring", "rents"]
_ITEMS = st.builds(lambda o, w: " ".join([o, *w]), st.sampled_from(_OPENERS),
                   st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ITEMS, min_size=1, max_size=5), st.sampled_from(["-", "\u2022"]), st.booleans(), st.booleans())
def test_an_articles_own_dash_list_is_kept_whole(items: list[str], bullet: str, gaps: bool, at_end: bool) -> None:
    """Whatever its items say, a list with no card's byline or teaser stays in the body, and the
    signature and bio under it stay the article's."""
    lines = [x for item in items for x in ([bullet, "", item, ""] if gaps else [bullet, item])]
    tail = [] if at_end else ["", P2]
    rec = parse(page(HEADER, "", P1, "", *lines, *tail, "", *SIGN_OFF))
    kept = "\n".join(ln for ln in lines if ln) if not gaps else "\n\n".join(ln for ln in lines if ln)
    assert rec["body"] == "\n\n".join([P1, kept, *([P2] if not at_end else [])])
    assert (rec["author"], rec["author_bio"]) == ("Amara Okafor", "Amara writes about towns.")


def test_a_card_without_a_byline_at_the_end_ends_with_its_teaser() -> None:
    """The page's last card lost its byline: its teaser's line ends it; a paragraph under it stays."""
    card = ["-", "Seed swaps return to village halls", "", "THE EXPLAINER Why gardeners trade seeds"]
    rec = parse(page(HEADER, "", P1, "", *card, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_a_long_card_line_and_the_newspapers_kicker() -> None:
    headline = "Seed swaps return to village halls as " + "gardeners trade more than seeds " * 7
    cards = ["-", f"{headline.strip()}?Today’s Newspapers The Sunday front pages on allotments", "",
             "By Ravi Menon Published", "-", "Rooftop hives multiply", "Under The Radar Bees are back", "",
             "By The Week UK Published"]
    assert len(cards[1]) > 250
    rec = parse(page(HEADER, "", P1, "", P2, "", *cards))
    assert rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("labels", [["By Ravi Menon", "published 17 May 2022"], []])
@pytest.mark.parametrize("credit", ["Kevin Ames / Getty Images", "AFP via Getty Images", "Lena Ruiz/Reuters"])
def test_an_agency_credit_alone_under_the_header_is_the_images_credit(credit: str, labels: list[str]) -> None:
    """The scraper lost the image's alt and caption but kept its credit: no standfirst."""
    rec = parse(page(HEADER, "", credit, "", *labels, "", P1, "", P2))
    assert (rec["subtitle"], rec["image_credit"], rec["body"]) == (None, credit, f"{P1}\n\n{P2}")


@pytest.mark.parametrize("standfirst", ["Polling by Reuters/Ipsos", "Why councils trust the AP less"])
def test_a_standfirst_that_names_an_agency_stays_the_standfirst(standfirst: str) -> None:
    rec = parse(page(HEADER, "", standfirst, "", "By Ravi Menon", "published 17 May 2022", "", P1, "", P2))
    assert (rec["subtitle"], rec["image_credit"]) == (standfirst, None)


def test_the_registration_walls_first_line_alone_is_text() -> None:
    line = "Continue reading for free"
    rec = parse(page(HEADER, "", P1, "", line, "", P2))
    assert (rec["body"], rec["truncated"]) == (f"{P1}\n\n{line}\n\n{P2}", False)


def test_a_button_inside_the_paywall_block_does_not_hide_it() -> None:
    """Another ending of the first line, a button's words, then the rest of the block: the paywall."""
    rec = parse(page(HEADER, "", P1, "", P2, "", "To continue reading this article, join today", "", "Subscribe now",
                     *PAYWALL[1:], "", "Amara Okafor, The Week UK"))
    assert (rec["body"], rec["truncated"], rec["author"]) == (f"{P1}\n\n{P2}", True, "Amara Okafor")


def test_a_lowercase_word_still_rules_a_line_out_as_a_signature() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "in the end, The Council decided"))
    assert rec["author"] is None and rec["body"].endswith("in the end, The Council decided")


@pytest.mark.parametrize("labels, author", [
    (["By Amara Okafor", "Published 3 June 2022"], "Amara Okafor"),
    (["By Amara Okafor", "published 3 June 2022", "last updated 4 June 2022 at 10:15"], "Amara Okafor"),
    (["By Amara Okafor, Rural Affairs Correspondent", "published 3 June 2022"], "Amara Okafor"),
    (["By Amara Okafor published 3 June 2022"], "Amara Okafor"),
    (["By", "Amara Okafor", "published 3 June 2022"], "Amara Okafor"),
    (["By", "प्रिया शर्मा", "published 3 June 2022"], "प्रिया शर्मा"),  # (vowel signs are marks, not \w)
    (["By 李静", "Updated: 3 June 2022"], "李静"),
    (["By Amara Okafor, Tom Berg and Li Wei", "published 3 June 2022"], "Amara Okafor, Tom Berg and Li Wei"),
    (["By Amara Okafor, Science and Technology Editor", "published 3 June 2022"], "Amara Okafor"),
    (["By Amara Okafor", "Rural Affairs Correspondent", "published 3 June 2022"], "Amara Okafor"),
    (["By", "Amara Okafor", "Social Links Navigation", "published 3 June 2022"], "Amara Okafor"),
    (["BY AMARA OKAFOR", "PUBLISHED 3 JUNE 2022"], "AMARA OKAFOR"),
    (["By Amara Okafor \u00b7 published 3 June 2022"], "Amara Okafor"),
    (["By Amara Okafor, published 3 June 2022"], "Amara Okafor"),
    (["By Amara Okafor | The Week US", "published 3 June 2022"], "Amara Okafor"),
    (["By Amara Okafor, Tom Berg & Li Wei", "published 3 June 2022"], "Amara Okafor, Tom Berg & Li Wei"),
    (["By Amara Okafor", "published 3 June 2022", "Updated moments ago"], "Amara Okafor"),
    (["By: Amara Okafor", "Published: June 3, 2022"], "Amara Okafor"),
    (["By:", "published"], None),
    # A contributor's line (the template's "contributions from", any case) is a label, never the author.
    (["By Amara Okafor", "contributions from Tom Berg", "published 3 June 2022"], "Amara Okafor"),
    (["By Amara Okafor", "contributions from", "Tom Berg", "published 3 June 2022"], "Amara Okafor"),
    (["By", "contributions from", "published"], None),
    (["By", "Edited by", "published"], None),
    (["By", "Additional reporting by", "published"], None),
    # The authors' names were links the scraper left out: only what joined them is left.
    (["By  and", "published 3 June 2022"], None),
    (["By ,  and", "published"], None),
    (["By Amara Okafor, Tom Berg and Li Wei, The Week US", "published 3 June 2022"],
     "Amara Okafor, Tom Berg and Li Wei"),
    # ... each text node on a line of its own, as the sample's scraper saves them: the joiners stay labels.
    (["By", "and", "published"], None),
    (["By", ",", "published 3 June 2022"], None),
    (["By", ",", "and", "published", "last updated 4 June 2022"], None),
    (["By", ",", ",", "and", "published"], None),
    # Names kept as their own nodes, joined by their own nodes.
    (["By", "Amara Okafor", ",", "Tom Berg", "published 3 June 2022"], "Amara Okafor and Tom Berg"),
    (["By", "Amara Okafor", ",", "Tom Berg", "and", "Li Wei", "published 3 June 2022"],
     "Amara Okafor, Tom Berg and Li Wei"),
    (["By Amara Okafor", "and", "Tom Berg", "published 3 June 2022"], "Amara Okafor and Tom Berg"),
    (["By", "Amara Okafor", ",", "The Week US", "published 3 June 2022"], "Amara Okafor"),
    # A contributor named on the line under the label is never the author (nor a co-author).
    (["By", "Amara Okafor", "contributions from", "Tom Berg", "published 3 June 2022"], "Amara Okafor"),
])
@pytest.mark.parametrize("image", [True, False])
def test_byline_forms(labels: list[str], author: str | None, image: bool) -> None:
    head = [*IMAGE, *labels] if image else labels
    rec = parse(page(HEADER, "", "Plots are scarce and the queues are getting longer", "", *head, "", P1, "", P2))
    assert rec["author"] == author and rec["body"] == f"{P1}\n\n{P2}"
    assert rec["subtitle"] == "Plots are scarce and the queues are getting longer"
    assert rec["image_credit"] == ("Kit Marlowe / Allotment Trust" if image else None)


@pytest.mark.parametrize("labels", [["By  and", "published 16 March 2024"], ["By staff and agencies", "published"]])
def test_a_byline_without_a_standfirst_or_image_loses_no_paragraph(labels: list[str]) -> None:
    """The label block once ended at the line above its first (index -1: the last of the scanned
    lines), and the paragraphs between went into no field."""
    paras = [f"Paragraph {k} of the story, which runs on for a while." for k in range(14)]
    rec = parse(page(HEADER, "", *labels, "", *"\n\n".join(paras).split("\n")))
    assert rec["body"] == "\n\n".join(paras)


def test_list_items_that_read_like_buttons_or_footer_headings_stay() -> None:
    items = ["To set it up:", "\u2022 Download the app", "\u2022 Sign up", "\u2022 Trending", "\u2022 Latest"]
    rec = parse(page(HEADER, "", P1, "", *items, "", P2))
    assert rec["body"] == f"{P1}\n\n" + "\n".join(items) + f"\n\n{P2}"


@pytest.mark.parametrize("kicker", [["\u2605\u2605\u2605\u2605\u2606"], ["In partnership with Hartwell Wealth"],
                                    ["In partnership with Hartwell Wealth Management and Pensions Advisory"],
                                    ["Pick of the day", "\u2605\u2605\u2605"]])
def test_a_kicker_between_the_image_and_the_labels_opens_the_body(kicker: list[str]) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, *kicker, "By Amara Okafor", "published 3 June 2022",
                     "", P1, "", P2))
    assert (rec["author"], rec["image_credit"], rec["subtitle"]) == ("Amara Okafor", "Kit Marlowe / Allotment Trust",
                                                                     "Plots are scarce")
    assert rec["body"] == "\n".join(kicker) + f"\n\n{P1}\n\n{P2}"


def test_a_sentence_under_the_image_is_body_and_no_later_by_line_is_the_byline() -> None:
    text = "A long first paragraph of the story that ends as sentences do."
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, text, "", "By Amara Okafor", "", P1))
    assert rec["author"] is None and rec["body"] == f"{text}\n\nBy Amara Okafor\n\n{P1}"


@pytest.mark.parametrize("opening", ["By 2030, the waiting list will be twice as long.", "By the numbers",
                                     "By dawn, the queue stretched around the block.", "BY THE NUMBERS",
                                     "By Tuesday evening, crowds had gathered in Krak\u00f3w."])
@pytest.mark.parametrize("labels", [["By", "published"], ["By Amara Okafor", "published 3 June 2022"], []])
def test_a_body_line_opening_with_by_is_not_the_byline(opening: str, labels: list[str]) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, *labels, "", opening, "", P1))
    assert rec["body"] == f"{opening}\n\n{P1}"
    assert rec["author"] == ("Amara Okafor" if labels and labels[0] != "By" else None)
    assert rec["image_credit"] == "Kit Marlowe / Allotment Trust" and rec["subtitle"] == "Plots are scarce"


@pytest.mark.parametrize("image", [[], IMAGE])
def test_a_long_byline_of_several_writers_over_a_time_label_is_the_byline(image: list[str]) -> None:
    """A round-up's five writers make a `By` line of ~90 characters; over 80 it was body text, and its
    `published` line under it was dropped (audit s34). Over a time label it may be longer now."""
    names = "Amara Okafor, Tomasz Wielgosz, Ines Carvalho-Reyes, Duncan McAllister and Priya Raghunathan"
    rec = parse(page(HEADER, "", "Plots are scarce", "", *image, f"By {names}", "published 3 June 2022", "", P1))
    assert (rec["author"], rec["body"], rec["subtitle"]) == (names, P1, "Plots are scarce")
    rec = parse(page(HEADER, "", "Plots are scarce", "", *image, "", f"By {names}", "", P1))  # (no time label)
    assert rec["author"] is None and rec["body"] == f"By {names}\n\n{P1}"


@pytest.mark.parametrize("image", [[], IMAGE])
def test_a_sentence_opening_with_lower_case_published_is_body_not_a_time_label(image: list[str]) -> None:
    text = "published reports in the county paper suggested otherwise, though few noticed."
    rec = parse(page(HEADER, "", "Plots are scarce", "", *image, "", text, "", P1))
    assert rec["body"] == f"{text}\n\n{P1}" and rec["subtitle"] == "Plots are scarce"


@pytest.mark.parametrize("label", ["published 3 June 2022.", "published on 3 June 2022.", "published 3 hours ago."])
def test_a_time_label_with_a_stray_full_stop_is_still_a_label(label: str) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Amara Okafor", label, "", P1))
    assert (rec["author"], rec["body"]) == ("Amara Okafor", P1)


@pytest.mark.parametrize("label", ["By Train", "Updated 02:15 BST"])
def test_without_an_image_a_label_line_under_two_paragraphs_is_body(label: str) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", P1, "", P2, "", label, "", P3))
    assert (rec["subtitle"], rec["author"]) == ("Plots are scarce", None)
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{label}\n\n{P3}"


@pytest.mark.parametrize("standfirst", ["Updated for the 2025/26 season: where to find a plot",
                                        "Published in 1963, the handbook is back in print"])
def test_a_standfirst_opening_with_updated_or_published_is_not_a_time_label(standfirst: str) -> None:
    rec = parse(page(HEADER, "", standfirst, "", *IMAGE, "By Amara Okafor", "published 3 June 2022", "", P1))
    assert (rec["subtitle"], rec["author"], rec["body"]) == (standfirst, "Amara Okafor", P1)
    assert rec["image_credit"] == "Kit Marlowe / Allotment Trust"


@pytest.mark.parametrize("label", ["Updated: 4:05 PM EDT, Fri October 18, 2024", "Published on: 4 November 2024",
                                   "Last updated 3 Jan 2023, 5:02pm", "Updated 2 hours ago",
                                   "Published: 2024-10-15T10:00:00Z", "Updated 15.10.2024, 14:32 CET",
                                   "Published March 3, 2024 at 2:05 p.m.", "Published Sept. 12, 2024",
                                   "Published: Mar 4, 2024 | 9:15 PM EST", "Updated 3 March 2024 01:00 GMT+1"])
def test_time_labels_in_common_forms(label: str) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", "By Amara Okafor", label, "", P1))
    assert (rec["subtitle"], rec["author"], rec["body"]) == ("Plots are scarce", "Amara Okafor", P1)


def test_a_body_sentence_opening_with_published_is_not_a_label() -> None:
    text = "Published figures show that 2,000 plots were let in 2021, more than ever before."
    rec = parse(page(HEADER, "", "By", "published", "", text, "", P1))
    assert rec["body"] == f"{text}\n\n{P1}"


@pytest.mark.parametrize("invisible", ["\u200b", " \u200b\u200b ", "\ufeff", "\u2060\u00a0", "\u200f", "\u200e\u061c"])
def test_a_line_of_only_zero_width_characters_is_blank(invisible: str) -> None:
    rec = parse(page(HEADER, "", P1, invisible, P2, "", f"Word\u200bjoined {P3}"))
    assert rec["body"] == f"{P1}\n\n{P2}\n\nWord\u200bjoined {P3}"


def test_two_pages_in_one_file_are_refused_at_the_second_header() -> None:
    text = page(HEADER, "", P1, "", " date 2022-05-18 Another story entirely", "", P2)
    err = refused(text)
    assert err.issue.code == "parse.second-header" and err.issue.line == 5
    assert "Another story entirely" in err.issue.message
    # The page's own header after blank lines, and a date inside a paragraph, are no second header.
    rec = parse(page("", "", HEADER, "", P1, "", "The vote was set, date 2022-05-18 at noon, by the council."))
    assert rec["title"] == "Allotment waiting lists grow longer"


@pytest.mark.parametrize("form", ["date", "Date", "DATE"])
def test_a_second_page_is_one_whose_header_is_written_as_the_first(form: str) -> None:
    text = page(f"{form} 2022-05-17 First story", "", P1, "", f"{form} 2022-05-18 Another story entirely", "", P2)
    assert refused(text).issue.code == "parse.second-header"


@pytest.mark.parametrize("join", ["\ufeff", "\u200b", "glued"])
def test_files_joined_with_their_bom_or_without_a_final_newline_are_refused(join: str) -> None:
    first = page(HEADER, "", P1, "", "Ana Demir, The Week UK", "", "Ana Demir writes about cities.", "", *FOOTER)
    second = page(" date 2022-05-18 Another story entirely", "", P2)
    text = first.rstrip("\n") + second if join == "glued" else first + join + second
    err = refused(text.encode())
    assert err.issue.code == "parse.second-header" and err.issue.line == (11 if join == "glued" else 12)
    assert "date 2022-05-18 Another story entirely" in err.issue.message


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff\u2060", "\u200b\u200b "])
def test_an_invisible_character_before_the_header_is_ignored(invisible: str) -> None:
    rec = newsset.parse_bytes(page(invisible + HEADER.lstrip(), "", P1).encode(), "p.txt").to_dict()
    assert (rec["date"], rec["title"], rec["body"]) == ("2022-05-17", "Allotment waiting lists grow longer", P1)


@pytest.mark.parametrize("lead", ["渡轮公司周五宣布，所有航线因大风全部停航。", "तेज़ हवाओं के कारण सभी नौकाएँ रोक दी गईं।",
                                  "強風のため、すべての便が欠航した！", "فهل ستعود العبّارات غداً؟"])
def test_a_first_paragraph_closed_by_other_scripts_punctuation_is_body_not_standfirst(lead: str) -> None:
    rec = parse(page(HEADER, "", lead, "", P1))
    assert rec["subtitle"] is None and rec["body"] == f"{lead}\n\n{P1}"


@pytest.mark.parametrize("bio", [["王芳是本刊驻北京记者。", "她曾在上海的一家报社工作十年。"],
                                 ["Ana Demir is our Scotland correspondent", "Follow her on X @anademir"]])
@pytest.mark.parametrize("paywall", [False, True])
def test_a_bio_of_two_short_lines_is_a_bio_not_a_list(bio: list[str], paywall: bool) -> None:
    name = "王芳" if bio[0].startswith("王") else "Ana Demir"
    wall = PAYWALL if paywall else [""]
    rec = parse(page(HEADER, "", P1, "", P2, *wall, f"{name}, The Week UK", "", *bio, "", *FOOTER))
    assert (rec["author"], rec["author_bio"]) == (name, "\n".join(bio))
    assert rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(("line", "author"), [("Ana Demir, The Week UK.", "Ana Demir"),
                                              ("Martin Grant, Jr., The Week US", "Martin Grant Jr."),
                                              ("Martin Grant, III, The Week US", "Martin Grant III")])
def test_a_signature_with_a_full_stop_or_a_suffix_after_a_comma(line: str, author: str) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", line, "", f"{author} writes about cities.", "", *FOOTER))
    assert (rec["author"], rec["publication"]) == (author, line.rpartition(", ")[2].rstrip("."))
    assert rec["author_bio"] == f"{author} writes about cities." and rec["body"] == f"{P1}\n\n{P2}"


def test_a_sentence_ending_in_a_publication_is_still_no_signature() -> None:
    rec = parse(page(HEADER, "", P1, "", "Councils were warned, The Guardian."))
    assert rec["author"] is None and rec["body"].endswith("The Guardian.")


@pytest.mark.parametrize(("by", "author"), [("By Ana Demir in Port Glasgow", "Ana Demir"),
                                            ("By Ana Demir in the Houses of Parliament", "Ana Demir"),
                                            ("By Ana Demir in New York City", "Ana Demir"),
                                            ("By Ana Demir (@anademir)", "Ana Demir"),
                                            ("By Ana Demir and Li Wei in Leeds", "Ana Demir and Li Wei"),
                                            ("By Ana Demir in Leeds and Li Wei in York", "Ana Demir and Li Wei"),
                                            ("By Ana Demir in Tbilisi and Batumi", "Ana Demir"),  # two places
                                            ("By Ana Demir in Kyiv & Lviv and Li Wei in York", "Ana Demir and Li Wei"),
                                            ("By Ana Demir, with additional reporting by Li Wei", "Ana Demir"),
                                            ("By Ana Demir \u00b7 20 October 2024", "Ana Demir"),
                                            ("By Ana Demir | 3 June 2022", "Ana Demir"),
                                            ("By Ana Demir, in Mytilene", "Ana Demir"),
                                            ("By Ana Demir on Lesbos", "Ana Demir"),
                                            ("By Ana Demir from Kyiv", "Ana Demir"),
                                            ("By Ana Demir at the Old Bailey", "Ana Demir"),
                                            ("By Ana Demir for The Week", "Ana Demir"),
                                            ("By Ana Demir, for The Week US", "Ana Demir"),
                                            ("By Ana Demir, special to The Week", "Ana Demir"),
                                            ("By Ana Demir (Reuters)", "Ana Demir"),
                                            ("By Ana Demir \u2014 Staff Writer", "Ana Demir"),
                                            ("By Ana Demir - Foreign Editor", "Ana Demir"),
                                            ("By Ana Demir, Wales Correspondent, in Cardiff", "Ana Demir"),
                                            ("By Ana Demir and Li Wei for The Week", "Ana Demir and Li Wei"),
                                            ("By Ana Newkey-Burden", "Ana Newkey-Burden")])
def test_a_dateline_or_handle_after_the_byline_name_is_left_out(by: str, author: str) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, by, "published 3 June 2022", "", P1, "", P2))
    assert rec["author"] == author and rec["body"] == f"{P1}\n\n{P2}"


def test_a_time_label_whose_date_the_scraper_put_on_the_next_line() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Ana Demir", "published", "3 June 2022", "",
                     P1, "", P2))
    assert rec["author"] == "Ana Demir" and rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("label", [["published", "2 juillet 2025"],
                                   ["published 3 juillet 2025", "Updated 4 juillet 2025"],
                                   ["Published 3. M\u00e4rz 2025, 14:05 Uhr"], ["Published 22 de octubre de 2024"],
                                   ["Updated 15 octobre 2024 \u00e0 10h32"], ["Published about an hour ago"],
                                   ["Published less than a minute ago"]])
def test_time_labels_in_other_words_and_languages_are_no_body(label: list[str]) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Ana Demir", *label, "", P1, "", P2))
    assert rec["author"] == "Ana Demir" and rec["body"] == f"{P1}\n\n{P2}"


def test_a_sentence_opening_with_a_time_label_word_stays_text() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Ana Demir", "published 3 June 2022", "",
                     "Updated over the weekend, the plans were approved.", "", P2))
    assert rec["body"] == f"Updated over the weekend, the plans were approved.\n\n{P2}"


def test_one_latin_word_after_the_image_without_a_time_label_is_a_subheading() -> None:
    lines = ["By Air", "Two flights a day land on the beach, so times follow the tide.", "", "By Sea",
             "The ferry takes five hours."]
    rec = parse(page(HEADER, "", "Two ways in", "", *IMAGE, *lines, "", "Ana Demir, The Week UK", "",
                     "Ana Demir writes about islands.", "", *FOOTER))
    assert rec["author"] == "Ana Demir" and rec["body"] == "\n".join(lines)
    rec = parse(page(HEADER, "", "Two ways in", "", *IMAGE, "By Beyonce", "published 3 June 2022", "", P1))
    assert rec["author"] == "Beyonce"  # (beside a time label, one word is a name)


@pytest.mark.parametrize("paywall", [False, True])
def test_an_author_box_saved_twice_gives_its_bio_once(paywall: bool) -> None:
    wall = PAYWALL if paywall else [""]
    box = ["Ana Demir, The Week UK", "", "Ana Demir writes about cities."]
    rec = parse(page(HEADER, "", P1, "", P2, *wall, *box, "", *box, "", *FOOTER))
    assert (rec["author"], rec["author_bio"]) == ("Ana Demir", "Ana Demir writes about cities.")


@pytest.mark.parametrize("bio", [[], ["", "Ana Demir writes about cities."]])
def test_a_page_of_only_a_signature_and_its_bio_is_refused(bio: list[str]) -> None:
    err = refused(page(HEADER, "", "Ana Demir, The Week UK", *bio, "", *FOOTER))
    assert err.issue.code == "parse.missing-body"


@pytest.mark.parametrize(("line", "credit"), [("(Photo: Kit Marlowe / PA)", "Kit Marlowe / PA"),
                                              ("Photo: Kit Marlowe/PA", "Kit Marlowe/PA"),
                                              ("(Image: Kit Marlowe)", "Kit Marlowe"),
                                              ("\u00a9 Kit Marlowe/Alamy", "Kit Marlowe/Alamy"),
                                              ("Photograph: Allotment Trust", "Allotment Trust")])
def test_credit_lines_in_other_templates_forms(line: str, credit: str) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE[:1], "Volunteers clear a plot", line,
                     "By Ana Demir", "published 3 June 2022", "", P1, "", P2))
    assert (rec["image_credit"], rec["image_caption"]) == (credit, "Volunteers clear a plot")
    assert rec["author"] == "Ana Demir"
    assert rec["body"] == f"{P1}\n\n{P2}"
    # "Image:" and "Credit:" open sentences: without brackets, no credit line.
    assert credit_of("Image: a changing climate, in pictures") is None and credit_of("Credit: where it is due") is None


@pytest.mark.parametrize("kickers", [["\u2605\u2605\u2605\u2605\u2606", "Almeida Theatre, London N1", "Until 12 April"],
                                     ["Serves 4", "Prep 10 mins", "Cook 5 mins", "Difficulty: easy"],
                                     [*IMAGE, "A second picture of the plot"]])
def test_labels_under_more_than_two_short_lines_after_the_image(kickers: list[str]) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, *kickers, "By Ana Demir", "published 3 June 2022",
                     "", P1, "", P2))
    assert rec["author"] == "Ana Demir" and rec["body"] == "\n".join(kickers) + f"\n\n{P1}\n\n{P2}"
    # Under a paragraph of prose, a By line is the body's, as before.
    prose = ["The council met on Tuesday.", "It voted to sell the plots.", *kickers]
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, *prose, "By Ana Demir", "published 3 June 2022",
                     "", P1))
    assert rec["author"] is None and rec["body"].startswith("\n".join(prose) + "\nBy Ana Demir")


@pytest.mark.parametrize(("last", "author"), [
    (["Compiled by Ana Demir, The Week UK"], "Ana Demir"),
    (["Ana Demir", "Editor, The Week\u2019s coastal newsletter"], None),  # a role is no name
])
def test_signature_with_a_role_before_the_name_and_a_role_alone(last: list[str], author: str | None) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", *last, "", *FOOTER))
    assert rec["author"] == author
    assert rec["body"] == f"{P1}\n\n{P2}" + ("" if author else "\n\n" + "\n".join(last))


@pytest.mark.parametrize("credit", ["Additional reporting by Li Wei, The Week UK",
                                    "With additional reporting by Li Wei, The Week UK"])
def test_an_additional_reporting_line_over_the_signature_is_no_co_author(credit: str) -> None:
    """`Additional reporting by Li Wei, The Week UK` credits a contributor: it made Li Wei a co-author
    (`Li Wei and Ana Demir`) and left the body (audit e34). It is text of the article now."""
    rec = parse(page(HEADER, "", P1, "", P2, "", credit, "", "Ana Demir, The Week UK", "",
                     "Ana Demir writes about gardens.", "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Ana Demir", "The Week UK")
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{credit}" and rec["author_bio"] == "Ana Demir writes about gardens."


@pytest.mark.parametrize("last", ["\u00a9 Reuters 2024", "\u00a9 2024 Example News Ltd. All rights reserved."])
def test_a_closing_copyright_line_is_no_lead_image(last: str) -> None:
    rec = parse(page(HEADER, "", P1, "", "A plot in Leeds", last))
    assert rec["body"] == f"{P1}\n\nA plot in Leeds\n{last}" and rec["image_credit"] is None


@pytest.mark.parametrize("line", ["Picture: a crowded hall, a nervous speaker, a vote nobody expected.",
                                  "Photo: a new exhibition opens at the museum this week, with 200 prints.",
                                  "\u00a9 2024 the council published the full minutes, which run to 40 pages.",
                                  "Illustration: how the new scheme would work in practice"])
@pytest.mark.parametrize("standfirst", [True, False])
def test_a_body_paragraph_opening_like_a_credit_stays_body(line: str, standfirst: bool) -> None:
    top = ["Plots are scarce", ""] if standfirst else []
    rec = parse(page(HEADER, "", *top, line, "", P1, "", P2))
    assert rec["image_credit"] is None
    if standfirst or line.endswith("."):
        assert (rec["subtitle"], rec["body"]) == ("Plots are scarce" if standfirst else None, f"{line}\n\n{P1}\n\n{P2}")
    else:  # (one line without closing punctuation, first on a page with no marker: the standfirst rule)
        assert (rec["subtitle"], rec["body"]) == (line, f"{P1}\n\n{P2}")


@pytest.mark.parametrize("under", [["The committee said the report was first", "published in 2019 and then shelved."],
                                   ["Another paragraph of the story, as it goes on."]])
def test_a_credit_shaped_line_in_a_paragraph_makes_no_image_without_labels(under: list[str]) -> None:
    para = ["Winners in each category:", "Photo: Ann Kerr, for a series shot in Leeds"]
    rec = parse(page(HEADER, "", *para, "", *under, "", P1))
    assert (rec["image_caption"], rec["image_credit"], rec["author"]) == (None, None, None)
    assert rec["body"] == "\n".join(para) + "\n\n" + "\n".join(under) + f"\n\n{P1}"


def test_a_wrapped_sentence_over_published_is_no_byline_further_down() -> None:
    for by, when in (("By then, officials say, the plan will be", "published in full."),
                     ("By Ann Kerr's count the report was", "published on 3 May 2024.")):
        lines = ["Key dates", "", "The council meets on Monday.", "", by, when]
        rec = parse(page(HEADER, "", "A plot in Leeds", *IMAGE, "", *lines, "", P1))
        assert rec["author"] is None and rec["body"] == "\n".join(lines) + f"\n\n{P1}"


def test_a_second_standfirst_paragraph_glued_to_the_image_is_no_alt_text() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Waiting lists are long", "A plot in Leeds", *IMAGE,
                     "By Ana Demir", "published 3 June 2022", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"]) == (
        "Plots are scarce\n\nWaiting lists are long", "A plot in Leeds", IMAGE[0])


def test_a_related_storys_byline_near_the_image_is_no_byline() -> None:
    teaser = ["Key points", "Fares rise 5% in May", "Related: Why trains are late", "By Sam Reed",
              "Updated 2 hours ago"]
    rec = parse(page(HEADER, "", "Plots are scarce", "", "A plot in Leeds", *IMAGE, *teaser, "", P1))
    assert rec["author"] is None and rec["body"] == "\n".join(teaser) + f"\n\n{P1}"


def test_a_name_inside_a_word_above_is_not_the_signature_named() -> None:
    text = "Figures from the JoAnn Leeds fund rose again, its report said."  # ("Ann Lee" inside two words)
    rec = parse(page(HEADER, "", P1, "", text, "", "Ann Lee, The Times", "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Ann Lee", "The Times")
    rec = parse(page(HEADER, "", P1, "", "Figures from Ann Lee rose.", "", "Ann Lee, The Times", "", *FOOTER))
    assert (rec["author"], rec["publication"]) == (None, None)  # (the name in words of its own: a place or venue)


def test_a_last_line_naming_two_papers_is_no_signature() -> None:
    """Outside audit g28: a front-pages round-up's last line (`Metro, The Independent`) was taken for
    the signature of a writer called Metro; with no bio, another paper's signature names a person."""
    for last in ("Metro, The Independent", "Daily Mail, The Sun"):
        rec = parse(page(HEADER, "", P1, "", last, "", *FOOTER))
        assert (rec["author"], rec["publication"], rec["body"]) == (None, None, f"{P1}\n\n{last}")


@pytest.mark.parametrize("line", ["\u200bdate 2024-05-01 entries appear in the app.",
                                  "View More \u25b8 date 2024-05-01 entries appear in the app.",
                                  "Date 2024-05-01 is when the new rules take effect.",
                                  "Date 2025-07-12 Harlow v Stevenage"])  # (a fixture list: `Date` under ` date`)
def test_a_body_line_that_opens_with_a_date_is_no_second_header(line: str) -> None:
    rec = parse(page(HEADER, "", P1, "", line, "", P2))
    assert rec["body"] == f"{P1}\n\n{line}\n\n{P2}"


def test_an_image_block_saved_twice_is_no_kicker() -> None:
    block = ["A plot in Leeds", *IMAGE]
    rec = parse(page(HEADER, "", "Plots are scarce", "", *block, *block, "By Ana Demir", "published 3 June 2022", "",
                     P1, "", P2))
    assert (rec["image_alt"], rec["image_caption"], rec["author"]) == ("A plot in Leeds", IMAGE[0], "Ana Demir")
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_a_place_the_last_paragraph_named_is_no_signature() -> None:
    rec = parse(page(HEADER, "", P1, "", "Rooms at Harbour House from \u00a3160 a night.", "",
                     "Harbour House, The Quay", "", *FOOTER))
    assert rec["author"] is None and rec["body"].endswith("\n\nHarbour House, The Quay")
    rec = parse(page(HEADER, "", P1, "", "Rooms from \u00a3160 a night.", "", "Jane Doe, The Times", "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Jane Doe", "The Times")  # (as before)


def test_a_standfirst_of_no_letters_is_body() -> None:
    rec = parse(page(HEADER, "", "1.", "A plot in Leeds", *IMAGE, "", "2.", "A second picture caption", "", P1))
    assert rec["subtitle"] is None and rec["body"].startswith("1.\n\n2.")  # (a gallery's numbers: kept)
    assert (rec["image_alt"], rec["image_caption"]) == ("A plot in Leeds", IMAGE[0])


@pytest.mark.parametrize("furniture", ["Advertisement", "Advertisement - Scroll to continue", "Listen to this article",
                                       "Show key events only", "Read more", "READ MORE", "Print this article",
                                       "Advertisement - scroll to continue reading",
                                       "ADVERTISEMENT - CONTINUE READING BELOW", "Advert | Story continues below"])
def test_template_furniture_lines_are_boilerplate(furniture: str) -> None:
    assert parse(page(HEADER, "", P1, "", furniture, "", P2))["body"] == f"{P1}\n\n{P2}"
    text = f"{furniture} about it in the council's report."  # (a sentence that opens the same way: text)
    assert parse(page(HEADER, "", P1, "", text, "", P2))["body"] == f"{P1}\n\n{text}\n\n{P2}"


def test_a_cookie_banner_and_a_gallery_counter_are_furniture() -> None:
    """A cookie banner above the standfirst was the subtitle; under the footer, its buttons stopped
    the footer's scan and a trending list joined the bio. `Image 1 of 5` in the image block was the
    caption, and the alt the subtitle."""
    banner = ["We use cookies to improve your experience on our site.", "Accept all cookies", "Manage preferences"]
    rec = parse(page(HEADER, "", *banner, "", "Plots are scarce", "", *IMAGE, "By", "published", "", P1))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce", P1)
    rec = parse(page(HEADER, "", P1, "", "Amara Okafor, The Week UK", "", f"{NBSP}Amara writes.{NBSP}", "",
                     "Trending", "Why is butter so expensive?", "The cheapest supermarket of 2024", "", *banner))
    assert (rec["author_bio"], rec["body"]) == ("Amara writes.", P1)
    alt, cap = "Volunteers clearing a plot", "The site opened in May"
    rec = parse(page(HEADER, "", "Plots are scarce", "", alt, cap, "Image 1 of 5", IMAGE[1], "By", "published", "",
                     P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"]) == ("Plots are scarce", alt, cap)
    text = "We use cookies sparingly, the minister said, and so should every council."  # (a sentence: text)
    assert parse(page(HEADER, "", P1, "", text))["body"] == f"{P1}\n\n{text}"


def test_a_caption_wrapped_over_two_lines_stays_in_the_image_block() -> None:
    alt, cap1, cap2 = "Volunteers clearing a plot", "Volunteers clear a plot in Leeds", "on a wet Saturday"
    credit = "(Image credit: Kit Marlowe / Allotment Trust)"
    rec = parse(page(HEADER, "", "Plots are scarce", "", alt, cap1, cap2, credit, "By", "published", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"]) == ("Plots are scarce", alt, f"{cap1} {cap2}")
    # Without blank lines, a first line glued on is the standfirst, as before.
    rec = parse(page(HEADER, "Plots are scarce", alt, cap1, credit, "By", "published", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"]) == ("Plots are scarce", alt, cap1)


@pytest.mark.parametrize("image", [True, False])
@pytest.mark.parametrize("heading", ["", "# ", "## "])
def test_the_headline_saved_again_under_the_header_is_left_out(image: bool, heading: str) -> None:
    title = HEADER.split(" ", 3)[3]
    parts = [*IMAGE, "By Ana Demir", "published 3 June 2022", ""] if image else []
    rec = parse(page(HEADER, "", heading + title, "", "Plots are scarce", "", *parts, P1, "", P2))
    assert (rec["title"], rec["subtitle"], rec["body"]) == (title, "Plots are scarce", f"{P1}\n\n{P2}")
    rec = parse(page(HEADER, "", title, "", P1, "", P2))  # (neither standfirst nor body)
    assert (rec["subtitle"], rec["body"]) == (None, f"{P1}\n\n{P2}")


@pytest.mark.parametrize("paywall", [False, True])
def test_bio_right_under_the_signature_without_a_blank_line(paywall: bool) -> None:
    wall = PAYWALL if paywall else [""]
    rec = parse(page(HEADER, "", P1, "", P2, *wall, "Amara Okafor, The Week UK", f"{NBSP}Amara writes.{NBSP}", "",
                     *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Amara Okafor", "The Week UK", "Amara writes.")
    assert rec["body"] == f"{P1}\n\n{P2}" and rec["truncated"] is paywall


def test_an_image_in_the_body_is_not_the_lead_image() -> None:
    # below the byline labels
    rec = parse(page(HEADER, "", "Plots are scarce", "", "By", "published", "", P1, "", P2, "", *IMAGE, "", P3))
    assert rec["image_credit"] is None and rec["image_caption"] is None and rec["subtitle"] == "Plots are scarce"
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{IMAGE[0]}\n{IMAGE[1]}\n\n{P3}"
    # below two paragraphs, with no byline after it
    rec = parse(page(HEADER, "", P1, "", P2, "", *IMAGE, "", P3))
    assert rec["image_credit"] is None and rec["subtitle"] is None
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{IMAGE[0]}\n{IMAGE[1]}\n\n{P3}"


def test_a_two_paragraph_standfirst_above_the_lead_image_and_byline() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", "And the queues are long", "", *IMAGE, "By", "published",
                     "", P1))
    assert rec["subtitle"] == "Plots are scarce\n\nAnd the queues are long"
    assert rec["image_credit"] == "Kit Marlowe / Allotment Trust" and rec["body"] == P1


def test_inner_whitespace_and_nbsp_are_kept() -> None:
    text = f"Prices rose by 12{NBSP}per cent,  the  figures show."
    assert parse(page(HEADER, "", text + "   "))["body"] == text


# ---------------------------------------------------------------- bytes: line endings, BOM, final newline


FULL = page(HEADER, "", "A standfirst with no stop", "", "Photo of a shed", "A shed in Cardiff",
            "(Image credit: Lumen Agency)", "By", "published", "", P1, "", "Sign up", "", P2, "", P3, *PAYWALL,
            "Chidi Okafor, The Week UK", "", f"{NBSP}Chidi Okafor is a reporter.{NBSP}", "", *FOOTER)


@pytest.mark.parametrize("variant", ["lf", "crlf", "cr", "bom", "no-final-newline", "all"])
def test_line_endings_bom_and_final_newline_do_not_change_the_record(variant: str, tmp_path: Path) -> None:
    raw = {"lf": FULL, "crlf": FULL.replace("\n", "\r\n"), "cr": FULL.replace("\n", "\r"), "bom": "\ufeff" + FULL,
           "no-final-newline": FULL.rstrip("\n"),
           "all": "\ufeff" + FULL.rstrip("\n").replace("\n", "\r\n")}[variant].encode()
    path = tmp_path / "p.txt"
    path.write_bytes(raw)
    art = newsset.parse_file(path)
    ref = newsset.parse_text(FULL, "p.txt")
    assert {k: v for k, v in art.to_dict().items() if k != "source_sha256"} == \
        {k: v for k, v in ref.to_dict().items() if k != "source_sha256"}
    assert art.lines == ref.lines
    assert art.source == "p.txt" and len(art.source_sha256) == 64


def test_lines_locate_every_field() -> None:
    art = newsset.parse_text(FULL)
    assert art.lines == {"date": 1, "title": 1, "subtitle": 3, "image_alt": 5, "image_caption": 6,
                         "image_credit": 7, "body": 11, "truncated": 18, "author": 24, "publication": 24,
                         "author_bio": 26}
    assert FULL.split("\n")[art.lines["truncated"] - 1] == PAYWALL[0]


def test_parse_file_source_is_relative_to_root(tmp_path: Path) -> None:
    (tmp_path / "2022" / "05").mkdir(parents=True)
    path = tmp_path / "2022" / "05" / "000001.txt"
    path.write_text(FULL, encoding="utf-8")
    assert newsset.parse_file(path, root=tmp_path).source == "2022/05/000001.txt"


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_parse_file_refuses_a_fifo_and_a_folder_without_blocking(tmp_path: Path) -> None:
    """parse_file read with Path.read_bytes, which waits for a FIFO's writer forever (the build's
    reader refused it): it now reads as a build does."""
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    for path, what in ((tmp_path / "pipe.txt", "a FIFO"), (tmp_path, "a folder")):
        with pytest.raises(newsset.ParseError) as info:
            newsset.parse_file(path)
        assert (info.value.issue.code, info.value.issue.path) == ("input.unreadable", str(path))
        assert f"expected a regular file, got {what}" in info.value.issue.message


# ---------------------------------------------------------------- bad files


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(newsset.ParseError) as info:
        newsset.parse_file(tmp_path / "empty.txt")
    assert info.value.code == "input.empty" and info.value.path == str(tmp_path / "empty.txt") and info.value.line == 1
    assert "empty.txt:1: input.empty" in str(info.value)


def test_whitespace_only_file() -> None:
    e = refused(b" \r\n\t\n\xc2\xa0\n")
    assert e.code == "input.empty" and e.line == 3 and "whitespace" in e.issue.message


def test_binary_file() -> None:
    e = refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert e.code == "input.binary" and e.line == 1 and "PNG image" in e.issue.message
    e = refused(b"date 2024-01-01 T\r\n\r\nab\x00c")
    assert e.code == "input.binary" and (e.line, e.issue.column) == (3, 3) and "NUL" in e.issue.message


def test_file_that_is_not_utf8() -> None:
    e = refused(" date 2021-03-04 Café owners count the cost\n\nTrade is down.\n".encode("latin-1"))
    assert e.code == "input.encoding" and e.line == 1 and e.issue.column == 21 and "0xe9" in e.issue.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "utf-32-le"])
def test_utf16_and_utf32_text_is_an_encoding_error_named_for_its_encoding(encoding: str) -> None:
    raw = page(HEADER, "", P1).encode(encoding)  # with a BOM ("utf-16", "utf-32") or without
    e = refused(raw)
    assert e.code == "input.encoding" and e.issue.got == encoding[:6].upper(), e.issue.message


def test_missing_header() -> None:
    e = refused(page("", "Allotment waiting lists grow longer", "", P1))
    assert e.code == "parse.missing-header" and e.line == 2 and e.issue.expected == "date YYYY-MM-DD Title"


@pytest.mark.parametrize("date", ["17/05/2022", "2022/05/17", "17 May 2022", "2022-5-17"])
def test_malformed_header(date: str) -> None:
    e = refused(page(f" date {date} Allotment waiting lists grow longer", "", P1))
    assert e.code == "parse.malformed-header" and e.line == 1 and e.issue.got == date.split()[0]


def test_non_ascii_digits_are_a_malformed_header() -> None:
    e = refused(page("date \u0662\u0660\u0662\u0662-\u0660\u0665-\u0661\u0667 Allotments", "", P1))
    assert e.code == "parse.malformed-header"


@pytest.mark.parametrize("date", ["2024-13-45", "2023-02-29", "2022-04-31", "2022-00-10"])
def test_impossible_date(date: str) -> None:
    e = refused(page("", f"date {date} Allotment waiting lists grow longer", "", P1))
    assert e.code == "parse.invalid-date" and e.line == 2 and e.issue.got == date


@pytest.mark.parametrize("header", ["date 2022-05-17", " date 2022-05-17   ", f"date 2022-05-17 {NBSP}",
                                    "date 2022-05-17 \u200b\u200b"])
def test_missing_title(header: str) -> None:
    e = refused(page(header, "", P1))
    assert e.code == "parse.missing-title" and e.line == 1


@pytest.mark.parametrize("rest", [
    [],
    ["Subscribe to The Week", "", "SUBSCRIBE & SAVE", "https://cdn.example-cdn.net/flexiimages/a1.jpg"],
    ["Sign up", *PAYWALL, "", *FOOTER],
    ["A caption", "(Image credit: Pressbank)", "By", "published"],
])
def test_missing_body(rest: list[str]) -> None:
    text = page(HEADER, "", *rest, "", "")
    e = refused(text)
    assert e.code == "parse.missing-body" and e.line is not None
    lines = text.split("\n")
    assert 1 <= e.line <= len(lines) and lines[e.line - 1].strip()  # a line of the page that holds something
    assert e.line >= 3 if rest else e.line == 1  # the boilerplate or labels, or else the header itself


def test_lone_surrogate_in_text_is_refused_not_crashing() -> None:
    with pytest.raises(newsset.ParseError) as e:
        newsset.parse_text(page(HEADER, "", "Trade is down \udce9 this year."))
    assert (e.value.issue.code, e.value.issue.line) == ("input.encoding", 3)


# ---------------------------------------------------------------- goldens and the real sample


GOLDENS = sorted(GOLDEN.glob("*.txt"))


@pytest.mark.parametrize("path", GOLDENS, ids=[p.stem for p in GOLDENS])
def test_golden(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert list(expected) == list(FIELDS)
    assert newsset.parse_file(path).to_dict() == expected


def test_goldens_exist() -> None:
    assert len(GOLDENS) >= 5 and all(p.with_suffix(".json").is_file() for p in GOLDENS)


def test_real_sample() -> None:
    path = SAMPLES / "theweek-2024-10-15-russia-iran.txt"
    if not path.is_file():
        pytest.skip("the real sample (../shared/samples) is not present")
    art = newsset.parse_file(path)
    assert art.date == "2024-10-15"
    assert art.title == "Russia and Iran 'up the ante' after meeting in Turkmenistan"
    assert art.subtitle is not None and art.subtitle.startswith("Two nations talk up")
    assert art.image_alt is not None and art.image_alt.startswith("Photo composite illustration")
    assert art.image_caption is not None and art.image_caption.startswith("Vladimir Putin and Masoud Pezeshkian met")
    assert art.image_credit == "Illustration by Stephen Kelly / Shutterstock / Getty / AP"
    assert (art.author, art.publication) == ("Chas Newkey-Burden", "The Week UK")
    assert art.author_bio is not None and art.author_bio.startswith("Chas Newkey-Burden has been part of")
    assert art.author_bio == art.author_bio.strip(f" {NBSP}") and art.author_bio.endswith("books.")
    paras = art.body.split("\n\n")
    assert len(paras) == 2 and paras[0].startswith("Vladimir Putin says") and paras[1].startswith("As tensions")
    assert art.truncated is True
    assert not any(is_boilerplate(line) for line in art.body.split("\n"))
    assert art.lines["body"] == 11 and art.lines["truncated"] == 29 and art.lines["author"] == 35


# ---------------------------------------------------------------- fuzzing

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINES = [HEADER, "date 2024-13-45 X", "date", "date 2021-01-01", "", " ", NBSP, "By", "By Ada Lee", "published",
         "published 3 May 2024", "(Image credit: X)", "(Image credit:)", "A caption", P1, "A standfirst",
         "Subscribe to The Week", "Sign up", "https://cdn.example-cdn.net/flexiimages/a.jpg", *PAYWALL,
         "Ada Lee, The Week UK", *FOOTER, "\r", "\ufeff"]


@FUZZ
@given(st.text())
def test_parse_text_only_raises_parse_error(text: str) -> None:
    try:
        newsset.parse_text(text, "fuzz.txt")
    except newsset.ParseError as e:
        assert e.issue.path == "fuzz.txt" and (e.issue.line or 0) >= 1


@FUZZ
@given(st.binary())
def test_parse_bytes_only_raises_parse_error(raw: bytes) -> None:
    try:
        newsset.parse_bytes(raw, "fuzz.txt")
    except newsset.ParseError as e:
        assert e.issue.path == "fuzz.txt" and (e.line or 0) >= 1


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=30)), max_size=30))
def test_page_like_text_gives_a_clean_record_or_a_parse_error(lines: list[str]) -> None:
    try:
        art = newsset.parse_text("\n".join(lines))
    except newsset.ParseError as e:
        assert e.code in newsset.CODES and (e.line or 0) >= 1
        return
    assert art.title and art.body and art.date
    assert not any(is_boilerplate(line) for line in art.body.split("\n"))


def test_a_refused_file_names_the_path_it_was_given(tmp_path: Path) -> None:
    """`parse_file` errors point at the file to open, not only its name (the record's `source`)."""
    bad = tmp_path / "sub" / "bad.txt"
    bad.parent.mkdir()
    bad.write_text(" date 2024-13-45 An impossible day\n\nBody.\n")
    with pytest.raises(newsset.ParseError) as info:
        newsset.parse_file(bad)
    assert info.value.issue.path == str(bad) and str(info.value).startswith(f"{bad}:1: parse.invalid-date")
    with pytest.raises(newsset.ParseError) as info:
        newsset.parse_file(tmp_path / "missing.txt")
    assert info.value.issue.path == str(tmp_path / "missing.txt") and info.value.issue.code == "input.unreadable"


# ---------------------------------------------------------------- a second audit's bylines and signatures

IMG = ["A flooded lane", "(Image credit: Invented Photo Agency)"]


@pytest.mark.parametrize("labels, author", [
    (["By Tomasz Wrona, staff writer", "published 3 June 2022"], "Tomasz Wrona"),  # a role in lower case
    (["By Tomasz Wrona", "senior transport correspondent", "published 3 June 2022"], "Tomasz Wrona"),
    (["By Lena Farr in Leeds and Omar Haddad in Hull", "published 3 June 2022"], "Lena Farr and Omar Haddad"),
])
def test_byline_roles_in_lower_case_and_a_place_after_each_author(labels: list[str], author: str) -> None:
    rec = parse(page(HEADER, "", *IMG, *labels, "", P1, "", P2))
    assert rec["author"] == author and rec["body"] == f"{P1}\n\n{P2}"
    assert rec["image_caption"] == "A flooded lane"


def test_a_short_standfirst_opening_with_by_is_no_byline() -> None:
    """`By Easter the allotments could be full` is a standfirst: it must not take the byline's place
    (the image block under it was lost with it)."""
    rec = parse(page(HEADER, "", "By Easter the allotments could be full", "", *IMG, "By", "published", "", P1))
    assert rec["subtitle"] == "By Easter the allotments could be full" and rec["author"] is None
    assert (rec["image_caption"], rec["image_credit"]) == ("A flooded lane", "Invented Photo Agency")
    assert rec["body"] == P1


def test_teasers_a_blank_line_apart_under_a_footer_heading_are_footer() -> None:
    rec = parse(page(HEADER, "", P1, "", "Amara Okafor, The Week UK", "", "Amara Okafor writes about gardens.", "",
                     "Latest", "", "Starmer, Reeves and the spending gamble", "", "Is the hosepipe ban here to stay?",
                     "", *FOOTER[1:]))
    assert rec["body"] == P1 and rec["author_bio"] == "Amara Okafor writes about gardens."
    assert (rec["author"], rec["publication"]) == ("Amara Okafor", "The Week UK")


def test_paragraphs_under_a_latest_subheading_stay_text_above_a_footer() -> None:
    """The other side of the loose teaser rule: a question and a sentence under `Latest` inside the
    article, with the site's footer below, are article text, not teasers."""
    rec = parse(page(HEADER, "", P1, "", "Latest", "", "So what happens next?", "", P3, "", *FOOTER))
    assert rec["body"] == f"{P1}\n\nSo what happens next?\n\n{P3}"


def test_a_latest_subheading_and_a_you_might_also_like_line_in_the_text_do_not_cut_it_above_the_footer() -> None:
    """The template's own pair of headings tops and closes its cards (which may end like sentences),
    but with the whole footer (`Latest` too) below, a pair higher up stands in the article (audit r34)."""
    rec = parse(page(HEADER, "", P1, "", "Latest", "", "The dollar hit a two-year high.", "", "You might also like",
                     "", P3, "", *FOOTER))
    assert rec["body"] == f"{P1}\n\nThe dollar hit a two-year high.\n\n{P3}" and rec["truncated"] is False


@pytest.mark.parametrize("bio", [["Her column runs on Fridays."],
                                 ["He is a senior staff writer.", "", "He was a deputy editor in Hull before."]])
def test_the_sites_signature_under_letters_holds_though_its_bio_names_no_one(bio: list[str]) -> None:
    """Letters end with `Name, Town` lines; those are items, not signatures, and do not make the
    site's own signature below them (whose bio says `She`, not the name) a list item too."""
    rec = parse(page(HEADER, "", "Most of us already work five days in four.", "Maud Pryce, Harrogate", "",
                     "I could not cover the phones on Fridays.", "Ravi Nair, Leicester", "",
                     "Elspeth Morrow, The Week UK", "", *bio, "", *FOOTER))
    assert (rec["author"], rec["publication"]) == ("Elspeth Morrow", "The Week UK")
    assert rec["author_bio"] == "\n\n".join(b for b in bio if b)
    assert rec["body"].endswith("Ravi Nair, Leicester")


@pytest.mark.parametrize("opening", ["By Friday evening the queue at the", "By The Numbers"])
def test_a_body_line_opening_with_by_under_the_labels_is_no_co_author(opening: str) -> None:
    """A blank line under the byline, then a wrapped first line or a subheading that opens with `By`
    and a capital: body text, not a second author (it overrode the signature's name and left the body)."""
    rest = "walk-in centre had reached the car park." if opening.endswith("the") else P1
    rec = parse(page(HEADER, "", *IMG, "By", "published 3 June 2022", "", opening, rest, "", P2, "",
                     "Amara Okafor, The Week UK", "", "Amara Okafor covers health."))
    assert rec["author"] == "Amara Okafor" and rec["body"].startswith(f"{opening}\n{rest}")


def test_a_co_author_a_blank_line_below_keeps_its_own_time_label() -> None:
    rec = parse(page(HEADER, "", *IMG, "By Lena Farr", "published 3 June 2022", "", "By Omar Haddad",
                     "published 3 June 2022", "", P1))
    assert rec["author"] == "Lena Farr and Omar Haddad" and rec["body"] == P1


@pytest.mark.parametrize("byline, author", [
    (["By Tamsin Reed | treed@valleygazette.com", "Updated 3:45 p.m. ET"], "Tamsin Reed"),
    (["By Tamsin Reed, treed@valleygazette.com", "published 5 Nov 2024"], "Tamsin Reed"),
    (["By Tamsin Reed @tamsinreed", "published 5 Nov 2024"], "Tamsin Reed"),
    (["By Tamsin Reed | treed@valleygazette.com"], "Tamsin Reed"),  # (no time label under it)
    (["By Tamsin Reed and Ola Berg | news@valleygazette.com", "published 5 Nov 2024"], "Tamsin Reed and Ola Berg"),
])
def test_contact_details_after_the_byline_name_are_left_out(byline: list[str], author: str) -> None:
    """US local papers put the writer's e-mail or handle after the name: it became part of the author,
    or (with no time label under it) the whole byline became the standfirst."""
    rec = parse(page(HEADER, "", *byline, "", P1, "", P2))
    assert rec["author"] == author and rec["subtitle"] is None and rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("labels", [["Published 6:00 a.m. ET Nov. 5, 2024 | Updated 3:45 p.m. ET Nov. 5, 2024"],
                                    ["By Tamsin Reed", "Published 6:00 a.m. ET | Updated 3:45 p.m. ET"]])
def test_two_time_labels_on_one_line_are_a_label_not_text(labels: list[str]) -> None:
    rec = parse(page(HEADER, "", *labels, "", P1, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}" and rec["subtitle"] is None


@pytest.mark.parametrize("label", ["Updated 14:32 BST", "published 10 minutes ago", "Last updated: 09:05"])
def test_a_time_label_opening_a_paragraph_under_the_labels_is_body(label: str) -> None:
    """A live blog's entry opens with its time, on the line over its text: under the byline's labels
    and a blank line it is the first paragraph's, not another label (the labels' own time stays one)."""
    rec = parse(page(HEADER, "", "By", "published", "", label, P1, "", P2))
    assert (rec["author"], rec["body"]) == (None, f"{label}\n{P1}\n\n{P2}")
    text = "published in full on Monday, the review"  # (a lower-case wrapped first line, not the label)
    rec = parse(page(HEADER, "", "By", "published", "", text, "found one in five operations cancelled.", "", P2))
    assert rec["body"] == f"{text}\nfound one in five operations cancelled.\n\n{P2}"
    # Standing alone, or a bare label over its date, after a blank line: labels still.
    for labels in (["By Amara Okafor", "", label], ["By Amara Okafor", "", "published", "3 June 2022"],
                   ["By Amara Okafor", "", label, "Updated 15:10 BST"]):
        rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, *labels, "", P1))
        assert (rec["author"], rec["body"]) == ("Amara Okafor", P1), labels


@pytest.mark.parametrize("space", [NBSP, "\u202f", "  ", "\t"])
def test_names_hold_single_spaces(space: str) -> None:
    """A non-breaking space between a name's words would make a second publication that looks the
    same in the card's table and in --group-by publication."""
    rec = parse(page(HEADER, "", P1, "", f"Amara{space}Okafor, The{space}Week{space}UK", "", f"{NBSP}Bio here.{NBSP}"))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Amara Okafor", "The Week UK", "Bio here.")
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, f"By Amara{space}Okafor", "published 3 June 2022",
                     "", P1))
    assert rec["author"] == "Amara Okafor"


@pytest.mark.parametrize("promo", ["Subscribe to The Week", "Advertisement - Scroll to continue", "Sign up"])
def test_a_promo_line_between_two_text_lines_ends_a_paragraph(promo: str) -> None:
    """Promotional blocks stand between paragraphs (FORMAT.md): one glued between two text lines,
    its blank lines lost, still parts them."""
    rec = parse(page(HEADER, "", P1, promo, P2, "", P3))
    assert rec["body"] == f"{P1}\n\n{P2}\n\n{P3}"


SIGNED = ["Amara Okafor, The Week UK", "", f"{NBSP}Amara Okafor writes about cities.{NBSP}", ""]


@pytest.mark.parametrize("tail", [
    ["Latest", "", "Sunak quits. What now for the Tories?", "", "Why prices rise again \u2026", "", "View More \u25b8"],
    ["Latest", "Is it time?", "View More \u25b8", "", "Politics", "Business", "",
     "\u00a9 Future Publishing Limited, Quay House, Bath BA1 1UA. All rights reserved."],
    ["Follow on X", "", "Follow on LinkedIn", "", "Latest", "View More \u25b8"],
])
def test_what_follows_the_site_signature_and_bio_is_footer(tail: list[str]) -> None:
    """Teasers a paragraph each that end like sentences, the site's furniture under `View More`,
    the author box's social links: the signature and bio above them were lost to the body."""
    rec = parse(page(HEADER, "", P1, "", P2, "", *SIGNED, *tail))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == (
        "Amara Okafor", "The Week UK", "Amara Okafor writes about cities.")
    assert rec["body"] == f"{P1}\n\n{P2}"


def test_sentences_under_a_latest_subheading_stay_without_the_site_signature_above() -> None:
    rec = parse(page(HEADER, "", P1, "", "Latest", "", "Prices rose again in May.", "", "Rents rose too.", "",
                     "View More \u25b8"))
    assert rec["body"] == f"{P1}\n\nPrices rose again in May.\n\nRents rose too."


@pytest.mark.parametrize("url", ["https://cdn.mos.cms.futurecdn.net/a-1200-80.jpg?format=webp",
                                 "cdn.mos.cms.futurecdn.net/flexiimages/jacafc5zvs1692883516.jpg"])
def test_an_image_url_takes_no_slot_in_the_image_block_and_is_dropped_without_its_scheme(url: str) -> None:
    for block in (["Volunteers clearing a plot", url, "A plot in Leeds"], ["Volunteers clearing a plot",
                                                                            "A plot in Leeds", url]):
        rec = parse(page(HEADER, "", "Plots are scarce", "", *block, "(Image credit: Kit Marlowe)", "By",
                         "published", "", P1, "", url, "", P2))
        assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["image_credit"]) == (
            "Plots are scarce", "Volunteers clearing a plot", "A plot in Leeds", "Kit Marlowe")
        assert rec["body"] == f"{P1}\n\n{P2}"
    rec = parse(page(HEADER, "", P1, "", "See example.com/a.jpg for the plan.", "", P2))
    assert rec["body"] == f"{P1}\n\nSee example.com/a.jpg for the plan.\n\n{P2}"


@pytest.mark.parametrize("line, credit", [
    ("(Image credit: Getty Images (left), AFP (right))", "Getty Images (left), AFP (right)"),
    ("(Image credit: Getty Images (left), AFP (right)", "Getty Images (left), AFP (right)"),
    ("(Image credit: Kit Marlowe", "Kit Marlowe"), ("Image credit: Kit Marlowe)", "Kit Marlowe"),
    ("Image credit: AFP (right)", "AFP (right)"),
    ("(Image credit: Getty Images).", "Getty Images"), ("(Photo: AFP (left), PA (right)) ", "AFP (left), PA (right)"),
    ("(Image credit: Getty) The Pyramid Stage on Friday", None)])
def test_a_credit_keeps_its_own_parentheses_when_the_closing_one_is_lost(line: str, credit: str | None) -> None:
    """And ends at the parenthesis that closes its opening one: a stray full stop after it is left out
    (audit g36: `Getty Images).` was the credit); a line running on past it is no credit line."""
    assert credit_of(line) == credit


def test_a_credit_line_with_a_stray_full_stop_or_text_after_it() -> None:
    """Audit g36: a line that runs on past the credit's closing parenthesis was a credit line, and on a
    page with no labels the two paragraphs above it became the standfirst and the caption."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Plots in Leeds", "(Image credit: Pressbank).", "By",
                     "published", "", P1))
    assert (rec["image_caption"], rec["image_credit"], rec["body"]) == ("Plots in Leeds", "Pressbank", P1)
    rec = parse(page(HEADER, "", "Plots are scarce", "", "A ferry at the pier",
                     "The pier at dawn (Image credit: Getty).", "By", "published", "", P1))
    assert (rec["image_alt"], rec["image_caption"], rec["image_credit"]) == ("A ferry at the pier", "The pier at dawn",
                                                                             "Getty")
    odd = "(Image credit: Getty) is how the caption ran, the editor said."
    rec = parse(page(HEADER, "", P1, "", P2, "", odd, "", P3))
    assert (rec["subtitle"], rec["image_caption"], rec["image_credit"], rec["body"]) == (
        None, None, None, f"{P1}\n\n{P2}\n\n{odd}\n\n{P3}")


def test_an_author_holds_no_zero_width_characters() -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Amara Okafor\u200b", "published 3 June 2022",
                     "", P1))
    assert rec["author"] == "Amara Okafor"


def test_the_site_signature_saved_with_its_by_label() -> None:
    """`By Name, The Week US` under the body is the site's signature; `By Name, Role` is none, and
    the same line among the labels stays the byline."""
    rec = parse(page(HEADER, "", P1, "", P2, "", "By Amara Okafor, The Week US", "", "Amara Okafor writes on cities."))
    assert (rec["author"], rec["publication"], rec["author_bio"], rec["body"]) == (
        "Amara Okafor", "The Week US", "Amara Okafor writes on cities.", f"{P1}\n\n{P2}")
    rec = parse(page(HEADER, "", P1, "", P2, "", "By Amara Okafor, Foreign Editor"))
    assert rec["publication"] is None and rec["body"].endswith("By Amara Okafor, Foreign Editor")
    rec = parse(page(HEADER, "", "By Amara Okafor, The Week US", "published 3 June 2022", "", P1, "", P2))
    assert (rec["author"], rec["body"]) == ("Amara Okafor", f"{P1}\n\n{P2}")


def test_paragraphs_under_a_view_more_line_are_still_read() -> None:
    """Only the site's furniture (short lines) under `View More` is footer: an article that goes on
    under one (a related list saved inside the body) loses no text."""
    long = "After the list, the article goes on: " + "the council's plan has drawn criticism from tenants. " * 5
    rec = parse(page(HEADER, "", P1, "", "Latest", "Is it time?", "View More \u25b8", "", long.strip(), "", P2))
    assert rec["body"].endswith(f"\n\n{long.strip()}\n\n{P2}")  # (the teaser above stays: mid-body, as ever)


@pytest.mark.parametrize("line", ["0:00 / 2:31", "0:00:00 / 1:45:00", "00:00 / 12:07",
                                  "https://cdn.mos.cms.futurecdn.net/a-1920-80.jpg 1920w",
                                  "https://cdn.mos.cms.futurecdn.net/a.jpg 1x, "
                                  "https://cdn.mos.cms.futurecdn.net/a-1200.jpg 2x",
                                  "//cdn.example.com/a-640.webp 640w, //cdn.example.com/a-1280.webp 1280w"])
def test_a_players_time_and_a_srcset_entry_are_furniture(line: str) -> None:
    rec = parse(page(HEADER, "", P1, "", "Listen to this article", line, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"
    assert is_boilerplate(line)
    rec = parse(page(HEADER, "", P1, "", "The score was 2:31 / 0:00 at half time, said the referee.", "", P2))
    assert "2:31 / 0:00 at half time" in rec["body"]


def test_times_that_are_no_players_start_are_text() -> None:
    """A player is saved at its start (audit m35: a race's splits at halfway and the finish)."""
    rec = parse(page(HEADER, "", P1, "", "New record", "1:00:48 / 2:00:01", "", "Old record", "1:01:05 / 2:00:35",
                     "", P2))
    assert "New record\n1:00:48 / 2:00:01\n\nOld record\n1:01:05 / 2:00:35" in rec["body"]
    assert not is_boilerplate("1:00:48 / 2:00:01")


@pytest.mark.parametrize("pieces", [["Sign up for The Week\u2019s", "Free Newsletters"],
                                    ["Escape your echo chamber.", "Get the facts behind the news, plus analysis "
                                     "from multiple perspectives."],
                                    ["Sign up for Today's Best", "Articles in your", "inbox"]])
def test_a_promo_saved_in_pieces_a_blank_line_apart_is_dropped(pieces: list[str]) -> None:
    spaced = [x for piece in pieces for x in (piece, "")]
    rec = parse(page(HEADER, "", P1, "", *spaced, P2))
    assert rec["body"] == f"{P1}\n\n{P2}"
    rec = parse(page(HEADER, "", P1, "", "Sign up for The Week\u2019s", "", "Free Newsletters and more", "", P2))
    assert rec["body"] == f"{P1}\n\nSign up for The Week\u2019s\n\nFree Newsletters and more\n\n{P2}"


@pytest.mark.parametrize("signature", ["Amara Okafor , The Week UK", "Amara Okafor,The Week UK"])
def test_the_site_signature_with_its_comma_spaced_otherwise(signature: str) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", signature, "", "Amara Okafor writes on cities."))
    assert (rec["author"], rec["publication"], rec["body"]) == ("Amara Okafor", "The Week UK", f"{P1}\n\n{P2}")


@pytest.mark.parametrize("labels", [["By\u200b", "published\u200b"], ["\u200bBy Amara Okafor", "published 3 June 2022"],
                                    ["By Amara Okafor\u2060", "\ufeffpublished 3 June 2022"]])
def test_labels_with_zero_width_characters_at_their_ends_are_labels(labels: list[str]) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, *labels, "", P1, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}" and rec["author"] in (None, "Amara Okafor")
    assert (rec["author"] is None) == (labels[0] == "By\u200b")


AFFILIATE = "When you purchase through links on our site, we may earn an affiliate commission."


@pytest.mark.parametrize("tail", [["Here\u2019s how it works."], ["Here's how it works"], ["", "Here’s how it works."]])
def test_the_rest_of_a_longer_block_on_a_line_of_its_own_is_dropped(tail: list[str]) -> None:
    """The affiliate notice's link saved as a line of its own, under the notice (itself a shorter
    catalogue line), glued or a blank line apart."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By", "published", AFFILIATE, *tail, "", P1, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"
    rec = parse(page(HEADER, "", P1, "", "Sign up", "", "for The Week's Free Newsletters", "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"
    # Without the block above it, the link's words are text (an explainer's subheading); so is another line.
    rec = parse(page(HEADER, "", P1, "", "Here\u2019s how it works", P2))
    assert rec["body"] == f"{P1}\n\nHere\u2019s how it works\n{P2}"
    rec = parse(page(HEADER, "", P1, "", AFFILIATE, "Here\u2019s how it works, in three steps.", "", P2))
    assert rec["body"] == f"{P1}\n\nHere\u2019s how it works, in three steps.\n\n{P2}"


@pytest.mark.parametrize("notice", [
    f"The Week is supported by its readers. {AFFILIATE} Here\u2019s how it works.",
    f"The Week US is supported by its audience. {AFFILIATE} Learn more", f"{AFFILIATE} Learn more."])
def test_the_affiliate_notice_with_the_sentence_before_it_or_another_link_is_dropped(notice: str) -> None:
    """Other wordings of the publisher's notice: the line was the standfirst, or a paragraph of the body."""
    rec = parse(page(HEADER, "", notice, "", P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == (None, f"{P1}\n\n{P2}")
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By", "published", "", P1, "", notice, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"
    text = f"{notice} So says the footer of every page."  # (more than the notice: text)
    assert parse(page(HEADER, "", P1, "", text))["body"] == f"{P1}\n\n{text}"


@pytest.mark.parametrize("bar", [["Share", "Copy link", "Facebook", "X", "WhatsApp", "Email"],
                                 ["Print", "Save", "Share"], ["SHARE", "Facebook", "Twitter"]])
def test_a_share_bar_is_dropped_wherever_it_sits(bar: list[str]) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Ana Demir", "published 3 June 2022", *bar, "",
                     P1, "", *bar, "", P2, "", *bar, "", "Ana Demir, The Week UK", "", "Ana Demir writes on cities.",
                     "", *bar, "", *FOOTER))
    assert (rec["author"], rec["author_bio"], rec["body"]) == ("Ana Demir", "Ana Demir writes on cities.",
                                                               f"{P1}\n\n{P2}")


def test_a_list_of_networks_or_a_lone_button_word_is_text() -> None:
    networks = ["Facebook", "X", "Instagram", "TikTok"]  # (no action among them: an article's list)
    rec = parse(page(HEADER, "", P1, "", "The apps the survey asked about:", *networks, "", P2))
    assert rec["body"] == f"{P1}\n\nThe apps the survey asked about:\n" + "\n".join(networks) + f"\n\n{P2}"
    rec = parse(page(HEADER, "", P1, "", "Share", "", P2, "", "Email", "Print", "", P2))
    assert rec["body"] == f"{P1}\n\nShare\n\n{P2}\n\nEmail\nPrint\n\n{P2}"
    quiz = ["Question 3 of 10", "Which did most readers use to share the story?", "Facebook", "X", "Email", "Save"]
    rec = parse(page(HEADER, "", P1, "", *quiz, "", P2))  # (no `Share` nor `Copy link`: a quiz's options)
    assert rec["body"] == f"{P1}\n\n" + "\n".join(quiz) + f"\n\n{P2}"


@pytest.mark.parametrize("line", ["Continue reading below", "Skip advert", "Story continues below advertisement",
                                  "Listen on Apple Podcasts", "Start quiz", "Next question",
                                  "Article continues below this ad", "Scroll to continue with content", "View Deal",
                                  "There was a problem. Please refresh the page and try again."])
def test_ad_slot_and_form_furniture_is_dropped(line: str) -> None:
    rec = parse(page(HEADER, "", P1, "", "Advertisement", line, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}" and is_boilerplate(line)


FURNITURE = ["Was this article helpful?", "", "Yes", "No", "", "Dev Singh, Leeds", "Great piece, thanks.", "",
             "Join the conversation"]


def test_an_author_box_with_furniture_under_its_bio_is_the_signature() -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", "Ana Demir, The Week UK", "", "Ana Demir writes on cities.", "",
                     *FURNITURE))
    assert (rec["author"], rec["publication"], rec["author_bio"], rec["body"]) == (
        "Ana Demir", "The Week UK", "Ana Demir writes on cities.", f"{P1}\n\n{P2}")


@pytest.mark.parametrize("case", ["bio-not-naming", "upper-half", "round-up"])
def test_an_author_box_far_from_the_end_needs_its_bio_and_the_lower_half(case: str) -> None:
    if case == "bio-not-naming":
        lines = [P1, "", P2, "", "Ana Demir, The Week UK", "", "A writer on cities.", "", *FURNITURE]
    elif case == "upper-half":  # (a box above most of the page: the article goes on under it)
        lines = [P1, "", "Ana Demir, The Week UK", "", "Ana Demir writes on cities.", "", P2, "", P1, "", P2, "",
                 P1, "", P2, "", P1]
    else:
        lines = ["Li Wei, The Week UK", P1, "", P2, "", "Ana Demir, The Week UK", "", "Ana Demir writes on cities.",
                 "", *FURNITURE]
    rec = parse(page(HEADER, "", *lines))
    assert rec["author"] is None and "Ana Demir, The Week UK" in str(rec["body"])


def test_the_sites_writer_quoted_among_a_round_ups_items_is_no_signature() -> None:
    """Audit l35: `Name, The Week UK` between other papers' `Name, Paper` items, with no signature
    closing the page, was taken for the author box, and the last item under it was dropped as
    furniture."""
    items = ["Polly Hart, The Guardian", "", "Polly Hart says the budget is a gamble that might just pay off.", "",
             "Harry Lamb, The Week UK", "", "Harry Lamb thinks the plans are sound but badly explained.", "",
             "Jo Cole, The Times", "", "Jo Cole is less sure."]
    rec = parse(page(HEADER, "", P1 + " " + P2, "", *items))
    assert (rec["author"], rec["author_bio"]) == (None, None)
    assert rec["body"] == f"{P1} {P2}\n\n" + "\n".join(items)
    # With the items all above it, the box over its bio and the page's furniture is still the signature.
    rec = parse(page(HEADER, "", P1 + " " + P2, "", *items[:4], "Harry Lamb, The Week UK", "",
                     "Harry Lamb writes on money.", "", "Comments are closed."))
    assert (rec["author"], rec["author_bio"]) == ("Harry Lamb", "Harry Lamb writes on money.")


@pytest.mark.parametrize("label", ["First published on Sun 15 Dec 2024 07.00 GMT", "Last modified: 15 March 2025",
                                   "Published 15 December 2024 \u00b7 4 min read"])
def test_other_sites_time_labels_are_labels(label: str) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Ana Demir", label, "", P1, "", P2))
    assert (rec["author"], rec["body"]) == ("Ana Demir", f"{P1}\n\n{P2}")
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Ana Demir", "published 3 June 2022", "",
                     "Posted in 2019, the video was seen a million times.", "", P2))
    assert rec["body"] == f"Posted in 2019, the video was seen a million times.\n\n{P2}"
    # (`Posted at 09:15` is a live blog's first entry, not a label: it stays, as a later entry's does)
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By", "published", "", "Posted at 09:15", "", P1, "",
                     "Posted at 09:40", "", P2))
    assert rec["body"] == f"Posted at 09:15\n\n{P1}\n\nPosted at 09:40\n\n{P2}"


@pytest.mark.parametrize("name", ["Marcel\u00b7la Soler", "Ka\u2018iulani Kahale", "Jordi Puig i Roca",
                                  "Anna M\u00fcller\u2013L\u00fcdenscheidt"])
def test_signature_names_with_a_middle_dot_an_okina_a_catalan_i_or_an_en_dash(name: str) -> None:
    rec = parse(page(HEADER, "", P1, "", P2, "", f"{name}, The Week UK", "", f"{name} is a writer.", "", *FOOTER))
    assert (rec["author"], rec["author_bio"], rec["body"]) == (name, f"{name} is a writer.", f"{P1}\n\n{P2}")


def test_the_last_letter_of_a_letters_page_signed_with_town_and_county_is_no_signature() -> None:
    letters = ["Our bus went in 2019.", "", "Ann Bell, Harrogate, North Yorkshire", "", "The trains are late.", "",
               "Tom Reyes, Penrith, Cumbria", "", "There is no bus here.", "", "Jean Moss, The Wirral"]
    rec = parse(page(HEADER, "", *letters, "", *FOOTER))
    assert rec["author"] is None and rec["body"].endswith("Jean Moss, The Wirral")


@pytest.mark.parametrize("slides", [3, 6])
def test_labels_under_a_gallery_of_captioned_images_are_labels(slides: int) -> None:
    """A hero gallery or a page of cartoons saves every slide above the byline: captions that are
    sentences (one only was allowed) and more lines than the head's scan of 12 held."""
    gallery = [x for k in range(slides) for x in (f"Slide {k}", f"A crowd gathers in square {k}.",
                                                 f"(Image credit: Agency {k})")]
    rec = parse(page(HEADER, "", "Plots are scarce", "", *gallery, "By Ana Demir", "published 3 June 2022", "",
                     P1, "", P2))
    assert rec["author"] == "Ana Demir" and rec["body"].endswith(f"{P1}\n\n{P2}")
    assert "published 3 June" not in rec["body"] and "By Ana Demir" not in rec["body"]


@pytest.mark.parametrize(("names", "author"), [(["Ana Demir", "and", "Li Wei"], "Ana Demir and Li Wei"),
                                               (["Ana Demir", "Li Wei"], "Ana Demir and Li Wei"),
                                               (["Ana Demir", "Foreign Editor"], "Ana Demir"),
                                               (["Ana Demir", "London"], "Ana Demir")])
def test_byline_names_saved_a_line_each_under_a_bare_by(names: list[str], author: str) -> None:
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By", *names, "published 3 June 2022", "", P1, "",
                     P2))
    assert (rec["author"], rec["body"]) == (author, f"{P1}\n\n{P2}")


@pytest.mark.parametrize("labels", [["By Ana Demir", "published 3 June 2022"], ["By", "published"]])
def test_a_reviews_book_details_with_the_books_author_are_no_byline(labels: list[str]) -> None:
    """`By Kofi Mensah` in a review's kicker names the book's author: the labels proper, with their
    time label, stand a few lines down, and were left in the body."""
    kicker = ["The Salt Road", "By Kofi Mensah", "Granta, 352pp, \u00a322"]
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, *kicker, *labels, "", P1, "", P2, "",
                     "Ana Demir, The Week UK", "", "Ana Demir writes on books.", "", *FOOTER))
    assert (rec["author"], rec["body"]) == ("Ana Demir", "\n".join(kicker) + f"\n\n{P1}\n\n{P2}")


@pytest.mark.parametrize("extra", [[HEADER.split(" ", 3)[3] + " | The Week UK"], ["Sponsored"], ["Partner content"]])
def test_the_headline_with_the_sites_name_or_a_sponsor_label_is_no_standfirst(extra: list[str]) -> None:
    rec = parse(page(HEADER, "", *extra, "", "Plots are scarce", "", *IMAGE, "By", "published", "", P1))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce", P1)


@pytest.mark.parametrize("after", ["Correction, 4 November: an earlier version misstated the date.",
                                   "Published 29 November 2024", "Comments are closed for this article.",
                                   "Follow The Week on Facebook, X and Instagram",
                                   "We use cookies to improve your experience."])
def test_what_a_page_saves_under_the_bio_is_no_more_of_it(after: str) -> None:
    bio = ["Ana Demir writes on cities.", "", "She lived in Leeds for ten years."]  # (a bio of two paragraphs)
    rec = parse(page(HEADER, "", P1, "", P2, "", "Ana Demir, The Week UK", "", *bio, "", after, "", *FOOTER))
    assert (rec["author_bio"], rec["body"]) == ("Ana Demir writes on cities.\n\nShe lived in Leeds for ten years.",
                                                f"{P1}\n\n{P2}")


@pytest.mark.parametrize("between", ["Expand", "Sign up"])
def test_a_button_or_promo_between_caption_and_credit_takes_no_slot(between: str) -> None:
    """A lightbox's `Expand` saved between the caption and the credit shifted the image slots: the
    button became the caption, the caption the alt, and the alt joined the standfirst."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Volunteers in Leeds", "A plot by the canal", between,
                     "(Image credit: Kit Marlowe)", "By", "published", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["body"]) == (
        "Plots are scarce", "Volunteers in Leeds", "A plot by the canal", P1)


def test_a_page_without_blank_lines_keeps_a_by_sentence_and_a_wrapped_bio() -> None:
    """Glued under the labels, `By Christmas, however, ...` was taken for a co-author (and left the
    body); a bio wrapped over lines under the signature left signature and bio in the body."""
    bio = ["Ana Demir writes on cities, housing", "and the allotments of the north."]
    rec = parse(page(HEADER, "Plots are scarce", *IMAGE, "By Ana Demir", "published 3 June 2022",
                     "By Christmas, however, only a handful of councils had signed up,", "and the rest wait.", P2,
                     "Ana Demir, The Week UK", *bio, *FOOTER))
    assert (rec["author"], rec["author_bio"]) == ("Ana Demir", "\n".join(bio))
    assert rec["body"] == f"By Christmas, however, only a handful of councils had signed up,\nand the rest wait.\n{P2}"


@pytest.mark.parametrize("labels", [["By", "published"], []])
def test_a_hard_wrapped_credit_line_is_one_credit(labels: list[str]) -> None:
    """A scraper that wraps at 72 columns cuts the site's longer credit lines: the tail (`Alamy)`)
    opened the body and the credit was cut."""
    credit = ["(Image credit: Illustration by The Week / Getty Images / Shutterstock /", "Alamy)"]
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Volunteers in Leeds", "A plot by the canal", *credit,
                     *labels, "", P1, "", P2))
    assert (rec["image_credit"], rec["body"]) == (
        "Illustration by The Week / Getty Images / Shutterstock / Alamy", f"{P1}\n\n{P2}")
    rec = parse(page(HEADER, "", "Plots are scarce", "", "Volunteers in Leeds", "A plot by the canal",
                     "(Image credit: Getty Images", "By", "published", "", P1))  # (lost its closing one: as before)
    assert (rec["image_credit"], rec["body"]) == ("Getty Images", P1)


def test_html_entities_a_scraper_left_are_decoded_in_every_field() -> None:
    title = "The Fed&#8217;s long wait &amp; what next"
    rec = parse(page(f" date 2022-05-17 {title}", "", "Rates stay high&nbsp;for now", "", "A trader&#8217;s desk",
                     "(Image credit: Getty &amp; AFP)", "By Marcus O&#8217;Donnell", "published 3 June 2022", "",
                     "The bank&#8217;s chair spoke.", "", "Line&#10;break and &#0; stay &bogus; as written."))
    assert (rec["title"], rec["subtitle"], rec["image_caption"], rec["image_credit"], rec["author"]) == (
        "The Fed\u2019s long wait & what next", "Rates stay high\u00a0for now", "A trader\u2019s desk",
        "Getty & AFP", "Marcus O\u2019Donnell")
    assert rec["body"] == "The bank\u2019s chair spoke.\n\nLine&#10;break and &#0; stay &bogus; as written."
    assert rec["id"] == newsset.parse_text(page(f" date 2022-05-17 {title}", "", "A standfirst of words", "",
                                                "The bank\u2019s chair spoke.", "",
                                                "Line&#10;break and &#0; stay &bogus; as written.")).id


def test_white_space_entities_are_white_space_before_the_lines_are_read() -> None:
    """`&nbsp;` where the sample has U+00A0 reads as the character does: a line that ends with one
    ends in white space (the body, and so the id, as with the character), `By&nbsp;Name` is a
    byline, a bio wrapped in them is stripped, a line of them alone is blank."""
    def spaced(nb: str) -> str:
        return page(f" date 2022-05-17 Rates stay high{nb}", "", f"Plots are scarce{nb}", "", *IMAGE,
                    f"By{nb}Ana Demir", "published 3 June 2022", "", f"{nb}The bank's chair spoke.{nb}", nb,
                    f"Tax is going up.{nb}", "", "Ana Demir, The Week UK", "", f"{nb} Ana Demir writes on money.{nb}")
    literal, entity = parse(spaced("\u00a0")), parse(spaced("&nbsp;"))
    assert entity == {**literal, "source_sha256": entity["source_sha256"]}
    assert (entity["title"], entity["author"], entity["author_bio"]) == (
        "Rates stay high", "Ana Demir", "Ana Demir writes on money.")
    assert entity["body"] == "The bank's chair spoke.\n\nTax is going up."
    for form in ("&#160;", "&#xA0;", "&#xa0;", "&ensp;"):
        assert parse(spaced(form))["author"] == "Ana Demir"
    # A line break written as an entity is no line of the file: it stays as written.
    assert parse(page(HEADER, "", "One&#10;line.", "", "Two."))["body"] == "One&#10;line.\n\nTwo."


def test_a_page_whose_lines_end_with_line_separators_is_refused_with_why() -> None:
    """U+2028 is white space inside a paragraph (FORMAT.md): a page that ends every line with it is one
    header line with no body, and the refusal says what the file's line ends are."""
    text = "\u2028".join([HEADER, "", "Plots are scarce", "", "The council met.", "", "It voted."])
    with pytest.raises(newsset.ParseError) as e:
        newsset.parse_text(text)
    assert e.value.issue.code == "parse.missing-body"
    assert e.value.issue.hint is not None and "U+2028 LINE SEPARATOR" in e.value.issue.hint
    with pytest.raises(newsset.ParseError) as e:
        newsset.parse_text(f"{HEADER}\u2028(one, in a title)")
    assert e.value.issue.code == "parse.missing-body" and "U+2028" not in (e.value.issue.hint or "")


def test_an_image_block_a_blank_line_above_its_credit_is_the_image_not_the_standfirst() -> None:
    """Alt and caption a blank line above the credit (or every line of the page a blank line apart)
    under a standfirst: the image's lines, not a standfirst of three paragraphs. Without a standfirst
    above them they may be one, as before; nor is a section kicker taken for one."""
    alt, cap, credit = "Volunteers clearing a plot", "The site opened in May", "(Image credit: Kit Marlowe)"
    for head in (["Plots are scarce", "", alt, cap, "", credit], ["Plots are scarce", "", "", "", alt, "", cap, "",
                                                                   credit]):
        rec = parse(page(HEADER, "", *head, "By", "published", "", "The council met."))
        assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["image_credit"]) == (
            "Plots are scarce", alt, cap, "Kit Marlowe")
        assert rec["body"] == "The council met."
    rec = parse(page(HEADER, "", cap, "", credit, "By", "published", "", "The council met."))
    assert (rec["subtitle"], rec["image_caption"]) == (cap, None)
    rec = parse(page(HEADER, "", "Opinion", "", "Plots are scarce", "", credit, "By", "published", "", "Text."))
    assert (rec["subtitle"], rec["image_caption"]) == ("Plots are scarce", None)


def test_the_headline_saved_again_glued_under_the_header_is_left_out() -> None:
    """With no blank line under the header, the copy (also as the page's <title> gives it) became the
    subtitle; without an image, the standfirst and the labels went into the body too."""
    title = HEADER.split(" ", 3)[3]
    for copy in (title, f"{title} | The Week UK"):
        for image in ([], IMAGE):
            rec = parse(page(HEADER, copy, "", "Plots are scarce", "", *image, "By", "published", "", P1, "", P2))
            assert (rec["title"], rec["subtitle"], rec["body"]) == (title, "Plots are scarce", f"{P1}\n\n{P2}")


def test_a_paywall_block_that_lost_its_first_line_still_truncates() -> None:
    """Its other lines were dropped as boilerplate, but `truncated` stayed false (FORMAT.md: the
    block's presence sets it). One of its lines alone is no paywall."""
    rec = parse(page(HEADER, "", P1, "", *PAYWALL[1:], "Amara Okafor, The Week UK", "", f"{NBSP}Amara writes.{NBSP}"))
    assert (rec["truncated"], rec["body"], rec["author"]) == (True, P1, "Amara Okafor")
    rec = parse(page(HEADER, "", P1, "", "Cancel or pause at any time.", "", P2))
    assert (rec["truncated"], rec["body"]) == (False, f"{P1}\n\n{P2}")
    # Its two lines that prose may quote (a piece on paywalls, audit m35) are no headless paywall: the
    # paragraphs under them were lost. Either with a line only the block has still is one.
    rec = parse(page(HEADER, "", P1, "", "Cancel or pause at any time.", "", "Already a subscriber?", "", P2, "", P3))
    assert (rec["truncated"], rec["body"]) == (False, f"{P1}\n\n{P2}\n\n{P3}")
    rec = parse(page(HEADER, "", P1, "", PAYWALL[2], "Cancel or pause at any time.", "", P2))
    assert (rec["truncated"], rec["body"]) == (True, P1)
    # One line of the block hard-wrapped in two is one line (audit l35): no paywall either.
    rec = parse(page(HEADER, "", P1, "", "Get unlimited website access, exclusive newsletters", "plus much more.", "",
                     P2, "", P3))
    assert (rec["truncated"], rec["body"]) == (False, f"{P1}\n\n{P2}\n\n{P3}")


@pytest.mark.parametrize("pieces", [["To continue reading", "this article..."],
                                    ["To continue", "", "reading this article..."],
                                    ["To continue reading this", "article\u2026"]])
def test_the_paywalls_first_line_wrapped_or_in_pieces_starts_the_paywall(pieces: list[str]) -> None:
    """Audit l35: the block was found from its second piece on, and the first ("To continue") stayed
    as the body's last paragraph. Also with nothing of the block under it."""
    for rest in (PAYWALL[1:], []):
        rec = parse(page(HEADER, "", P1, "", P2, "", *pieces, *rest))
        assert (rec["truncated"], rec["body"]) == (True, f"{P1}\n\n{P2}")
    # A sentence that opens like it and is wrapped is text (no catalogue line joins from it).
    rec = parse(page(HEADER, "", P1, "", "To continue reading", "this article, sign in.", "", P2))
    assert (rec["truncated"], rec["body"]) == (False, f"{P1}\n\nTo continue reading\nthis article, sign in.\n\n{P2}")


def test_a_kicker_on_a_page_without_image_or_labels_is_dropped() -> None:
    """`Opinion` over the standfirst, with no marker under them: the kicker was the subtitle and the
    standfirst the body's first paragraph."""
    rec = parse(page(HEADER, "", "Opinion", "", "Plots are scarce", "", P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce", f"{P1}\n\n{P2}")


def test_a_live_blogs_first_entry_with_its_own_byline_opens_the_body() -> None:
    """`Updated 14:02 GMT` / `By Li Wei` / text under the labels and a blank line: the entry's writer
    was added as a co-author, and its stamp and byline left the body."""
    entry = ["Updated 14:02 GMT", "By Li Wei", "Borrowing will rise."]
    rec = parse(page(HEADER, "", "Plots are scarce", "", *IMAGE, "By Ana Demir", "published 3 June 2022", "",
                     *entry, "", "Updated 13:15 GMT", "By Ana Demir", "Tax is going up."))
    assert rec["author"] == "Ana Demir" and rec["body"].startswith("\n".join(entry))


# ---------------------------------------------------------------- parse_paths (newsset parse, as an API)


def test_parse_paths_walks_folders_and_archives_in_path_order(tmp_path: Path) -> None:
    import zipfile

    from conftest import page as full_page

    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    (raw / "a.txt").write_text(full_page(title="Alpha story about canals"), encoding="utf-8")
    (raw / "b" / "bad.txt").write_text(" date 2024-02-30 An impossible day\n\nBody.\n", encoding="utf-8")
    (raw / "records.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    with zipfile.ZipFile(raw / "c.zip", "w") as z:
        z.writestr("inner/page.txt", full_page(title="Zipped story about ferries"))
        z.writestr("more.jsonl", '{"id": "y"}\n')
    skipped: list[newsset.Source] = []
    got = list(newsset.parse_paths(raw, skipped=skipped))
    assert [(s.rel, type(a).__name__) for s, a in got] == [
        ("a.txt", "Article"), ("b/bad.txt", "Issue"), ("c.zip!/inner/page.txt", "Article")]
    assert got[0][1].title == "Alpha story about canals"  # type: ignore[union-attr]
    assert got[2][1].title == "Zipped story about ferries"  # type: ignore[union-attr]
    bad = got[1][1]
    assert isinstance(bad, newsset.Issue) and bad.code == "parse.invalid-date" and bad.line == 1
    assert bad.path == str(raw / "b" / "bad.txt")  # (a path that opens the file)
    assert sorted(s.rel for s in skipped) == ["c.zip!/more.jsonl", "records.jsonl"]  # record files: said, not read


def test_parse_paths_refuses_what_the_cli_refuses(tmp_path: Path) -> None:
    with pytest.raises(newsset.ConfigError, match="input not found"):
        list(newsset.parse_paths(tmp_path / "missing"))
    with pytest.raises(newsset.ConfigError, match="fix_mojibake"):
        list(newsset.parse_paths(tmp_path, fix_mojibake="yes"))  # type: ignore[arg-type]


def test_a_body_sentence_that_opens_as_a_cookie_banner_is_text() -> None:
    """`We use cookies to ...` was furniture whatever followed: a sentence of the article was lost.
    A banner goes on to say what one says (experience, ads, traffic, the site)."""
    text = "We use cookies to reward them after every search, the handler said."
    assert parse(page(HEADER, "", P1, "", text))["body"] == f"{P1}\n\n{text}"
    for banner in ("We use cookies to personalise content and ads and to analyse our traffic.",
                   "This site uses cookies to improve its services.", "We use cookies on our website."):
        assert parse(page(HEADER, "", P1, "", banner, "", P2))["body"] == f"{P1}\n\n{P2}"


def test_a_correction_under_a_signature_with_no_bio_is_no_bio() -> None:
    """What a page saves under the bio ends it; with no bio, it was taken for one (outside audit g26 #8)."""
    note = "Correction, 5 March 2025: an earlier version gave the wrong date."
    rec = parse(page(HEADER, "", P1, "", "Amara Okafor, The Week UK", "", note))
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Amara Okafor", "The Week UK", None)
    rec = parse(page(HEADER, "", P1, "", "Amara Okafor, The Week UK", "", "Amara writes about parks.", "", note))
    assert rec["author_bio"] == "Amara writes about parks."


def test_a_name_and_title_under_a_line_that_introduces_it_is_text() -> None:
    """`Further reading:` over `Name, The Book`: an item of what the colon introduces, not the
    signature (the book line was lost, its author and title taken for the writer's; audit g26 #5)."""
    item = "Morag Lindqvist, The Bread of Islands"
    rec = parse(page(HEADER, "", P1, "", "Further reading:", "", item))
    assert (rec["body"], rec["author"], rec["publication"]) == (f"{P1}\n\nFurther reading:\n\n{item}", None, None)
    rec = parse(page(HEADER, "", P1, "", "Hamish Rowe, The Herald"))  # (under prose: the signature, as before)
    assert (rec["author"], rec["publication"]) == ("Hamish Rowe", "The Herald")


@pytest.mark.parametrize(("byline", "author"), [
    ("By Ann Lee, 4 March 2025, 10:32am", "Ann Lee"),  # a date and a time, each after a comma
    ("By Ann Lee \u00b7 4 March 2025 \u00b7 10:32", "Ann Lee"),
    ("By Ann Lee; photographs by Bob Stone", "Ann Lee"),  # a note after a semicolon
    ("By Ann Lee; Transport Correspondent", "Ann Lee"),
    ("By Ann Lee on assignment in Stornoway", "Ann Lee"),  # where she is (g26 #13)
    ("By Ann Lee and Bob Stone, on assignment", "Ann Lee and Bob Stone"),
])
def test_what_runs_on_after_the_byline_name_is_left_out(byline: str, author: str) -> None:
    """Outside audit g26 #11, #13: only the last date was cut (`Ann Lee, 4 March 2025`), and a
    semicolon's note stayed; without an image the byline was taken for the standfirst."""
    assert parse(page(HEADER, "", *IMAGE, byline, "published 4 March 2025", "", P1))["author"] == author
    rec = parse(page(HEADER, "", byline, "", P1))
    assert (rec["author"], rec["subtitle"], rec["body"]) == (author, None, P1)


def test_several_writers_in_a_byline_each_with_a_role_or_on_the_line_under_by() -> None:
    """Outside audit g26 #10: a list of names between a bare `By` and `published` gave no author;
    a role after each name kept the whole line."""
    rec = parse(page(HEADER, "", *IMAGE, "By", "Ann Lee, Bob Stone and Cy Young", "published 4 March 2025", "", P1))
    assert (rec["author"], rec["body"]) == ("Ann Lee, Bob Stone and Cy Young", P1)
    line = "By Ann Lee, Transport Correspondent, and Bob Stone, Scotland Editor"
    assert parse(page(HEADER, "", *IMAGE, line, "published 4 March 2025", "", P1))["author"] == "Ann Lee and Bob Stone"


def test_a_bio_that_speaks_of_its_writer_or_gives_their_address_stays_whole() -> None:
    """Outside audit g26 #1, #2: a bio of two paragraphs that say `she` but not the name (no footer)
    left box and bio in the body; a third paragraph with the writer's address was lost."""
    box, b1 = "Ann Lee, The Week UK", "A former Moscow correspondent, she has covered transport."
    b2 = "She lives on Skye."
    rec = parse(page(HEADER, "", P1, "", P2, "", box, "", b1, "", b2))
    assert (rec["author"], rec["author_bio"], rec["body"]) == ("Ann Lee", f"{b1}\n\n{b2}", f"{P1}\n\n{P2}")
    named, tips = "Ann Lee is our transport correspondent.", "Story tips welcome at tips@example.org."
    for footer in ([], ["", *FOOTER]):
        rec = parse(page(HEADER, "", P1, "", box, "", named, "", b2, "", tips, *footer))
        assert (rec["author_bio"], rec["body"]) == (f"{named}\n\n{b2}\n\n{tips}", P1)


@pytest.mark.parametrize(("box", "author"), [
    ("Ann \u201cNan\u201d Lee, The Week UK", "Ann \u201cNan\u201d Lee"),  # a nickname in quotes
    ("Ann Lee, OBE, The Week UK", "Ann Lee"),  # an honour, left out as a role is
    ("Jos\u00e9 Mar\u00eda de los \u00c1ngeles S\u00e1nchez de la Vega, The Week UK",
     "Jos\u00e9 Mar\u00eda de los \u00c1ngeles S\u00e1nchez de la Vega"),  # nine words
])
def test_the_sites_signature_in_other_name_shapes(box: str, author: str) -> None:
    """Outside audit g26 #3: these boxes were no signature, and box and bio stayed in the body."""
    rec = parse(page(HEADER, "", P1, "", box, "", "Ann Lee covers transport.", "", *FOOTER))
    assert (rec["author"], rec["publication"], rec["body"]) == (author, "The Week UK", P1)


def test_teaser_cards_between_latest_and_you_might_also_like_are_footer_without_a_signature() -> None:
    """Outside audit g26 #4: cards that end like sentences (a headline and its summary) under
    `Latest` with the template's `You might also like` below were kept in the body when no
    signature stood above them; one card a paragraph, or headline and summary glued."""
    cards = ["Why ferry fares keep rising", "Operators blame fuel and the cost of new boats.",
             "Island bakeries fight back", "Three bakers explain how they beat the supermarket van."]
    apart = [x for c in cards for x in (c, "")]
    glued = [cards[0], cards[1], "", cards[2], cards[3], ""]
    for teasers in (apart, glued):
        rec = parse(page(HEADER, "", P1, "", P2, "", "Latest", "", *teasers, "You might also like", "View More \u25b8"))
        assert rec["body"] == f"{P1}\n\n{P2}"
    # (With no footer below, a `Latest` subheading over short paragraphs may be the article's: kept.)
    assert parse(page(HEADER, "", P1, "", "Latest", "", *apart))["body"].endswith(cards[3])


@pytest.mark.parametrize("kicker", ["Profile", "The long read", "Interview", "Q&A"])
def test_other_sites_section_kickers_over_the_standfirst_are_no_subtitle(kicker: str) -> None:
    """Outside audit g26 #15: `Profile` over the standfirst joined the subtitle."""
    rec = parse(page(HEADER, "", kicker, "", "Plots are scarce", "", *IMAGE, "By", "published", "", P1))
    assert (rec["subtitle"], rec["body"]) == ("Plots are scarce", P1)


@pytest.mark.parametrize(("cap1", "cap2"), [
    ("The pier at Ardnahoe, photographed from the", "MV Glen Sannox last Tuesday"),  # a capital after `the`
    ("The pier, which was built in", "1968 and repaired in 2009"),  # a digit after `in`
    ("The pier, which engineers say must be rebuilt", "before the summer season begins"),  # lower case
])
@pytest.mark.parametrize("standfirst", [True, False])
def test_a_caption_wrapped_mid_phrase_under_the_alt_stays_one_caption(cap1: str, cap2: str, standfirst: bool) -> None:
    """Outside audit g26 #9: the alt went into the subtitle, the caption's first line became the alt."""
    alt, credit = "A ferry at the pier", "(Image credit: Getty)"
    head = ["Plots are scarce", ""] if standfirst else []
    rec = parse(page(HEADER, "", *head, alt, cap1, cap2, credit, "By", "published", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"]) == (
        "Plots are scarce" if standfirst else None, alt, f"{cap1} {cap2}")


@pytest.mark.parametrize("credit", ["(Image credit: Getty)", "(Photo: Getty)", "(Credit: Getty)"])
@pytest.mark.parametrize("standfirst", [True, False])
def test_a_caption_and_its_credit_on_one_line(credit: str, standfirst: bool) -> None:
    """Outside audit g26 #14: no image fields came out; the lines were dropped, or the subtitle."""
    alt, cap = "A ferry at the pier", "The pier at Ardnahoe"
    head = ["Plots are scarce", ""] if standfirst else []
    rec = parse(page(HEADER, "", *head, alt, f"{cap} {credit}", "By", "published", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["image_credit"], rec["body"]) == (
        "Plots are scarce" if standfirst else None, alt, cap, "Getty", P1)


@pytest.mark.parametrize("line, wrapped", [
    ("The pier at dawn Image credit: Kit Marlowe / Getty Images", None),
    ("The pier at dawn (Image credit: Kit", "Marlowe / Getty Images)"),
    ("The pier at dawn (Image credit:", "Kit Marlowe / Getty Images)."),
])
@pytest.mark.parametrize("labels", [["By Ana Demir", "published 3 June 2022"],
                                    ["", "By Ana Demir published 3 June 2022"]])
def test_a_caption_and_its_credit_without_parentheses_or_wrapped(line: str, wrapped: str | None,
                                                                  labels: list[str]) -> None:
    """Audit t36: a tool that joins an element's text (innerText, html2text) writes the credit without
    its parentheses after the caption, or wraps the line at a fixed width; the image block was not
    found, and the byline under it was not either."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", line, *([wrapped] if wrapped else []), *labels, "", P1))
    assert (rec["subtitle"], rec["image_caption"], rec["image_credit"], rec["author"], rec["body"]) == (
        "Plots are scarce", "The pier at dawn", "Kit Marlowe / Getty Images", "Ana Demir", P1)
    # A sentence that names a photo credit is text.
    said = "He got his first Photo credit: a picture of the pier."
    rec = parse(page(HEADER, "", P1, "", said, "", P2))
    assert (rec["image_credit"], rec["body"]) == (None, f"{P1}\n\n{said}\n\n{P2}")


@pytest.mark.parametrize("figure", [["![Volunteers at work](https://cdn.example.com/a-1200.jpg) The pier at dawn "
                                     "(Image credit: Getty)"],
                                    ["![Volunteers at", "work](https://cdn.example.com/a-1200.jpg) The pier at",
                                     "dawn (Image credit: Getty)"],
                                    ["![Photo of Kit Marlowe and Ana", "Demir](https://cdn.example.com/a-1200.jpg) Kit",
                                     "Marlowe and Ana Demir met last week as the plots expand",
                                     "(Image credit: Getty)"]])
def test_a_markdown_figure_gives_its_alt_and_caption_without_the_markup(figure: list[str]) -> None:
    """Audit t36: html2text writes the lead image as `![alt](url) caption (Image credit: ...)`, wrapped
    at 78 columns by default; the markup went into `image_caption` (and `image_alt`)."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", *figure, "", "By [Ana Demir](/author/ana) and "
                     "[Li Wei](/author/li-wei) published 3 June 2022", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["image_credit"], rec["author"],
            rec["body"]) == ("Plots are scarce", *(("Volunteers at work", "The pier at dawn") if len(figure) < 4 else (
                "Photo of Kit Marlowe and Ana Demir", "Kit Marlowe and Ana Demir met last week as the plots expand")),
                "Getty", "Ana Demir and Li Wei", P1)


@pytest.mark.parametrize("standfirst", [["Plots are scarce", ""], []])
def test_a_markdownify_figure_alt_blank_lines_above_its_caption(standfirst: list[str]) -> None:
    """Audit u36: markdownify writes `![alt](url)`, two blank lines, then the caption and credit; the
    image line joined the standfirst (or was it)."""
    rec = parse(page(HEADER, "", *standfirst, "![Volunteers at work](https://cdn.example.com/a.jpg)", "", "",
                     "The pier at dawn", "(Image credit: Getty)", "", "By Ana Demir", "published 3 June 2022", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["image_credit"], rec["body"]) == (
        (standfirst or [None])[0], "Volunteers at work", "The pier at dawn", "Getty", P1)


def test_pandocs_bracketed_image_over_the_byline_is_left_out() -> None:
    """Audit u36: pandoc's plain text writes an image as `[its alt]` (the caption and credit dropped); over
    the `By` line it made the labels a sentence of the body. Elsewhere such a line is text (`[Applause]`)."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", "[Volunteers at work]", "",
                     "By Ana Demir published 3 June 2022", "", P1, "", "[Applause]", "", P2))
    assert (rec["subtitle"], rec["author"], rec["body"]) == (
        "Plots are scarce", "Ana Demir", f"{P1}\n\n[Applause]\n\n{P2}")


@pytest.mark.parametrize("copies", [["Allotment waiting lists grow longer | The Week UK", "",
                                     "Allotment waiting lists grow longer", ""],
                                    ["Allotment waiting lists grow longer", "=" * 35, ""]])
def test_the_headline_saved_twice_or_underlined_is_left_out(copies: list[str]) -> None:
    """Audit u36: html-text and markdownify on a whole page save the <title> and the <h1>; markdownify
    underlines the <h1> (`====`). The second copy, or the underline, became the subtitle or the body."""
    rec = parse(page(HEADER, "", *copies, "Plots are scarce", "", "By Ana Demir", "published 3 June 2022", "", P1))
    assert (rec["subtitle"], rec["author"], rec["body"]) == ("Plots are scarce", "Ana Demir", P1)


@pytest.mark.parametrize("blanks", [1, 2, 3])
def test_blank_lines_between_caption_and_credit_count_as_one(blanks: int) -> None:
    """Audit t36: BeautifulSoup's `get_text("\\n")` of pretty-printed HTML leaves two or more blank lines
    between elements; with two, the caption joined the standfirst."""
    rec = parse(page(HEADER, "", "Plots are scarce", "", "The pier at dawn", *[""] * blanks,
                     "(Image credit: Kit Marlowe)", "", "By Ana Demir", "published 3 June 2022", "", P1))
    assert (rec["subtitle"], rec["image_caption"], rec["image_credit"], rec["body"]) == (
        "Plots are scarce", "The pier at dawn", "Kit Marlowe", P1)


@pytest.mark.parametrize("under", [["The pier at dawn (Image credit: Getty)", "By Ana Demir published 3 June 2022"],
                                   ["By Ana Demir published 3 June 2022"],
                                   ["Plots are scarce", "By", "Ana Demir", "published", "3 June 2022"]])
def test_the_headline_saved_again_glued_over_the_next_part_is_left_out(under: list[str]) -> None:
    """Audit t36: a scraper that kept the page's <h1> with no blank line under it: the copy became the
    image's alt, the subtitle, or the standfirst's first line."""
    title = HEADER.split(" ", 3)[3]
    rec = parse(page(HEADER, "", title, *under, "", P1, "", P2))
    assert title not in str((rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["body"]))
    assert rec["author"] == "Ana Demir" and rec["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("furniture", ["- Advertisement -", "\u2014 Advertisement \u2014", "Story continues below",
                                       "Article continues after advertisement", "AdChoices", "Watch on YouTube",
                                       "SUBSCRIBE AND SAVE", "Subscribe to The Week."])
def test_other_wordings_of_ad_slots_and_the_sites_promos_are_dropped(furniture: str) -> None:
    """Outside audit g27 #8, #9: these stayed in the body."""
    assert parse(page(HEADER, "", P1, furniture, P2))["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("first", ["09:15", "\u00a34.2m", "Ingredients", "1. Move your car", "\u2022 Move your car"])
def test_a_first_item_of_a_page_with_no_markers_is_no_standfirst(first: str) -> None:
    """Outside audit g27 #7: with no image and no labels, a live blog's time, a figure, a word or a
    list's first item was taken for the standfirst. A line of words still is one."""
    rec = parse(page(HEADER, "", first, "", P1, "", P2))
    assert (rec["subtitle"], rec["body"]) == (None, f"{first}\n\n{P1}\n\n{P2}")
    assert parse(page(HEADER, "", "Plots are scarce", "", P1, "", P2))["subtitle"] == "Plots are scarce"


@pytest.mark.parametrize("box", ["*Ann Lee, The Week UK*", "**Ann Lee, The Week UK**", "<em>Ann Lee, The Week UK</em>",
                                 "<p>Ann Lee, The Week UK</p>", "[Ann Lee](https://example.org/ann-lee), The Week UK",
                                 "### Ann Lee, The Week UK"])
def test_the_sites_signature_in_the_markup_a_scraper_kept(box: str) -> None:
    """Outside audit g27 #2: Markdown or HTML around the box left box and bio in the body."""
    rec = parse(page(HEADER, "", P1, "", box, "", "Ann Lee writes about transport.", "", *FOOTER))
    assert (rec["author"], rec["publication"], rec["author_bio"], rec["body"]) == (
        "Ann Lee", "The Week UK", "Ann Lee writes about transport.", P1)


def test_a_page_whose_paywall_comes_before_any_text_says_so() -> None:
    """Outside audit g27: the refusal said "only boilerplate or nothing" with the article's text
    saved under the paywall; it names the paywall, where the body ends."""
    e = refused(page(HEADER, "", *IMAGE, "By", "published", "", *PAYWALL, "", P1))
    assert e.issue.code == "parse.missing-body" and e.issue.line == 8 and "above the paywall block (line 8)" in str(
        e.issue.message) and "what a page saves under it is not read" in str(e.issue.message)
    # With nothing under the paywall too (outside audit g29): the paywall is named, not "only boilerplate".
    e = refused(page(HEADER, "", *IMAGE, "By", "published", "", *PAYWALL))
    assert e.issue.code == "parse.missing-body" and "above the paywall block (line 8), got none: a paywall ends " \
        "the body" in str(e.issue.message) and "under it" not in str(e.issue.message)


def test_a_headline_the_scraper_wrapped_is_the_whole_title() -> None:
    """Outside audit g27 #1: a header line hard-wrapped (html2text wraps at 78 columns) lost its tail
    to the subtitle or the body, and the id changed with it."""
    head = " date 2025-03-04 Harbour towns along the coast brace for a record"
    whole = "Harbour towns along the coast brace for a record spring tide as councils open depots"
    for standfirst in ([], ["Plots are scarce", ""]):
        rec = parse(page(head, "spring tide as councils open", "depots", "", *standfirst, P1, "", P2))
        assert (rec["title"], rec["subtitle"], rec["body"]) == (whole, (standfirst or [None])[0], f"{P1}\n\n{P2}")
    # On a page whose paragraphs are wrapped, a tail that opens with a capital is the headline's too.
    wrapped = ["The first sandbags went out on Sunday evening, two days earlier than", "planned, after the warning",
               "was raised for the whole of the south-west coast and the harbour board", "met in emergency session."]
    rec = parse(page(head, "Spring Tide", "", *wrapped))
    assert rec["title"] == "Harbour towns along the coast brace for a record Spring Tide"
    # A standfirst glued under the header of a page with no blank line under it stays the standfirst.
    rec = parse(page(head, "Councils open depots a week early", "", P1, "", P2))
    assert (rec["title"], rec["subtitle"]) == (head[17:], "Councils open depots a week early")


def test_the_sites_author_box_saved_above_the_paywall() -> None:
    """Outside audit g27 #6: box and bio over the paywall block stayed in the body."""
    bio = "Ann Lee writes about transport."
    rec = parse(page(HEADER, "", P1, "", P2, "", "Ann Lee, The Week UK", "", bio, "", *PAYWALL))
    assert (rec["author"], rec["publication"], rec["author_bio"], rec["body"], rec["truncated"]) == (
        "Ann Lee", "The Week UK", bio, f"{P1}\n\n{P2}", True)
    # (A box under the paywall is still the one taken.)
    rec = parse(page(HEADER, "", P1, "", *PAYWALL, "", "Bo Rae, The Week UK", "", "Bo Rae writes."))
    assert (rec["author"], rec["author_bio"], rec["body"]) == ("Bo Rae", "Bo Rae writes.", P1)


@pytest.mark.parametrize("byline", ["**By Ann Lee**", "<strong>By Ann Lee</strong>", "By [Ann Lee](https://example.org/a)",
                                    "*By Ann Lee*"])
def test_byline_labels_in_the_markup_a_scraper_kept(byline: str) -> None:
    """Outside audit g27 #5: the byline went into the body, and the author was lost."""
    rec = parse(page(HEADER, "", *IMAGE, byline, "published 4 March 2025", "", P1))
    assert (rec["author"], rec["body"]) == ("Ann Lee", P1)


def test_a_marked_subheading_that_opens_with_by_stays_as_written() -> None:
    rec = parse(page(HEADER, "", *IMAGE, "By Ann Lee", "published 4 March 2025", "", P1, "", "**By the numbers**", "",
                     P2))
    assert rec["body"] == f"{P1}\n\n**By the numbers**\n\n{P2}"


@pytest.mark.parametrize(("labels", "author"), [
    (["By Ann Lee, Bob Stone, Cy Young, Di Prior and", "Ed Quinn", "published 4 March 2025"],
     "Ann Lee, Bob Stone, Cy Young, Di Prior and Ed Quinn"),
    (["By Ann Lee, Transport and Environment", "Correspondent", "published 4 March 2025"], "Ann Lee"),
    (["By Ann Lee", "published 4 March 2025, last updated 5 March 2025 at", "10:15 GMT"], "Ann Lee"),
    (["By Ann Lee", "Bob Stone", "published 4 March 2025"], "Ann Lee"),  # (no wrap: a line between, as before)
])
def test_byline_labels_the_scraper_wrapped(labels: list[str], author: str) -> None:
    """Outside audit g27 #4: half a list or half a role was the author; a time's tail opened the body."""
    rec = parse(page(HEADER, "", *IMAGE, *labels, "", P1))
    assert (rec["author"], rec["body"]) == (author, P1)


@pytest.mark.parametrize("lines", [
    ["A ferry at the pier beside the old", "lifeboat station", "The pier at Ardnahoe on Monday"],
    ["A ferry at the pier beside the old", "lifeboat station", "The pier at Ardnahoe, photographed on",
     "Monday from the ferry"],
])
@pytest.mark.parametrize("standfirst", [True, False])
def test_an_alt_the_scraper_wrapped_stays_the_alt(lines: list[str], standfirst: bool) -> None:
    """Outside audit g27 #3: half the alt went into the subtitle, and alt and caption shifted."""
    head = ["Plots are scarce", ""] if standfirst else []
    rec = parse(page(HEADER, "", *head, *lines, "(Image credit: Getty)", "By", "published", "", P1))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"], rec["body"]) == (
        "Plots are scarce" if standfirst else None, "A ferry at the pier beside the old lifeboat station",
        " ".join(lines[2:]), P1)


def test_written_by_among_the_labels_is_the_byline() -> None:
    """Outside audit g26 #12: another template's `Written by NAME` went into the body, the author lost;
    a body line that opens so, with no label or credit beside it, stays text."""
    rec = parse(page(HEADER, "", *IMAGE, "Written by Ann Lee", "published 4 March 2025", "", P1))
    assert (rec["author"], rec["body"]) == ("Ann Lee", P1)
    text = "Written by Ann Lee in 1998, the song was a hit."
    assert parse(page(HEADER, "", *IMAGE, "By", "published", "", P1, "", text))["body"] == f"{P1}\n\n{text}"


def test_written_by_is_the_byline_only_where_the_site_has_none_and_it_names_writers() -> None:
    """Outside audit g28: `Written by` was rewritten to `By` wherever a label or credit stood next to
    it, so a sentence of the body came out altered (`By Ann Lee, the play runs until May.`) and a
    play's credits became the author, over or under the site's own labels."""
    credit = "(Image credit: Getty)"
    text = "Written by Ann Lee, the play runs until May."
    rec = parse(page(HEADER, "", credit, "By Bob Stone", "published 4 March 2025", "", P1, "", "A scene", credit, text))
    assert rec["body"] == f"{P1}\n\nA scene\n{credit}\n{text}"
    rec = parse(page(HEADER, "", credit, "Written by Ann Lee", "By", "published 4 March 2025", "", P1))
    assert rec["author"] is None and "Ann Lee" in rec["body"]
    rec = parse(page(HEADER, "", credit, "By Bob Stone", "published 4 March 2025", "Written by Ann Lee", "", P1))
    assert rec["author"] == "Bob Stone" and rec["body"].startswith("Written by Ann Lee")
    rec = parse(page(HEADER, "", credit, "Written by Ann Lee, directed by Bob Stone", "", P1))
    assert rec["author"] is None and rec["body"].startswith("Written by Ann Lee, directed by Bob Stone")
    rec = parse(page(HEADER, "", credit, "Written by Ann Lee Jr.", "published 4 March 2025", "", P1))
    assert (rec["author"], rec["body"]) == ("Ann Lee Jr.", P1)  # (the other template's byline, as before)


def test_by_name_over_an_image_credit_is_a_caption_not_the_byline() -> None:
    """Outside audit g28: a cartoon's caption naming its cartoonist (`By Dave Whamond` glued over its
    credit), under a lead image with no labels, became the author and left the body."""
    cartoon = ["By Dave Whamond", "(Image credit: Cagle Cartoons)"]
    rec = parse(page(HEADER, "", "A ferry", "(Image credit: Getty)", "", *cartoon, "", P1))
    assert (rec["author"], rec["body"]) == (None, "\n".join(cartoon) + f"\n\n{P1}")


def test_a_sentence_opening_with_published_under_the_labels_is_text() -> None:
    """Outside audit g28: the site's lower-case `published` takes anything after it, so a first
    paragraph that opens with the word, a blank line under the labels, was dropped as a label."""
    text = "published in 1999 and never reprinted, the guide is now rare."
    rec = parse(page(HEADER, "", *IMAGE, "By", "published 4 March 2025", "", text, "", P1))
    assert rec["body"] == f"{text}\n\n{P1}"
    rec = parse(page(HEADER, "", *IMAGE, "By", "", "published 4 March 2025", "", P1))  # (a label, as before)
    assert rec["body"] == P1


@pytest.mark.parametrize("span", ["1931\u20132025", "1940 - 2025"])
def test_the_years_of_a_life_are_an_obituary_standfirst(span: str) -> None:
    rec = parse(page(HEADER, "", span, "", *IMAGE, "By", "published 4 March 2025", "", P1))
    assert (rec["subtitle"], rec["body"]) == (span, P1)


def test_the_writers_role_between_the_site_signature_and_a_bio_naming_them() -> None:
    """Outside audit g26: with no footer under them, a role line between the signature and the bio
    left all three in the body; a short line that is no role there stays text."""
    rec = parse(page(HEADER, "", P1, "", "Ann Lee, The Week UK", "", "Transport correspondent", "",
                     "Ann Lee joined in 2019."))
    assert (rec["author"], rec["publication"], rec["author_bio"], rec["body"]) == (
        "Ann Lee", "The Week UK", "Transport correspondent\n\nAnn Lee joined in 2019.", P1)
    rec = parse(page(HEADER, "", P1, "", "Ann Lee, The Week UK", "", "Pier repairs", "", "Ann Lee joined in 2019."))
    assert rec["author"] is None


def test_arguments_of_the_wrong_type_are_named_in_a_type_error() -> None:
    """Not Python's own error from deep inside the parser (`'bytes' object has no attribute 'encode'`)."""
    page = "date 2024-01-01 A title\n\nA paragraph of text.\n"
    with pytest.raises(TypeError, match=r"parse_text: text must be the page's text as a str .* got bytes"):
        newsset.parse_text(page.encode())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"parse_bytes: raw must be the page's bytes .* got str"):
        newsset.parse_bytes(page, "a.txt")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parse_bytes: source must be a str, got int"):
        newsset.parse_bytes(page.encode(), 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parse_file: path must be a path, got int"):
        newsset.parse_file(123)  # type: ignore[arg-type]
    # Other bytes-like objects read as the bytes they hold.
    raw = page.encode()
    assert newsset.parse_bytes(bytearray(raw), "a.txt") == newsset.parse_bytes(memoryview(raw), "a.txt")  # type: ignore[arg-type]
    assert newsset.parse_bytes(bytearray(raw), "a.txt") == newsset.parse_bytes(raw, "a.txt")


@pytest.mark.parametrize("gap", [[""], []])
def test_the_sites_name_heading_its_subscribe_box_is_dropped(gap: list[str]) -> None:
    """Outside audit g29: the US site's subscribe box opens with the site's name on a line of its own
    (`The Week` over `Escape your echo chamber. ...`), which stayed in the body as a paragraph."""
    box = ["The Week", *gap, "Escape your echo chamber. Get the facts behind the news, plus analysis from multiple "
           "perspectives.", "", "SUBSCRIBE & SAVE"]
    rec = parse(page(HEADER, "", P1, "", *box, "", P2))
    assert rec["body"] == f"{P1}\n\n{P2}"
    newsletter = ["THE WEEK", *gap, "Sign up for Today's Best Articles in your inbox"]
    assert parse(page(HEADER, "", P1, "", *newsletter, "", P2))["body"] == f"{P1}\n\n{P2}"
    # Anywhere else the name on its own line is text: over another paragraph, or at the end.
    assert parse(page(HEADER, "", P1, "", "The Week", "", P2))["body"] == f"{P1}\n\nThe Week\n\n{P2}"
    # ... or over a box's button alone (audit g36: a list of magazines' last item lost its line), or
    # glued under a line of text (a list's last item over the box).
    for button in ("Sign up", "SUBSCRIBE & SAVE"):
        rec = parse(page(HEADER, "", P1, "", "The Week", "", button, "", P2))
        assert rec["body"] == f"{P1}\n\nThe Week\n\n{P2}"
    rec = parse(page(HEADER, "", P1, "", "The Spectator", "The Week", "", "Subscribe to The Week", "", P2))
    assert rec["body"] == f"{P1}\n\nThe Spectator\nThe Week\n\n{P2}"
    assert parse(page(HEADER, "", P1, "", "The Week"))["body"] == f"{P1}\n\nThe Week"


@pytest.mark.parametrize("standfirst", ["By 2034 the sea walls of the town will be under water, say engineers",
                                        "By 2030, the sea walls will need replacing, engineers warn",
                                        "By the numbers: what the spring tide will cost the coast"])
def test_a_standfirst_opening_with_by_over_a_time_label_is_no_byline(standfirst: str) -> None:
    """Outside audit g29: next to `published`, any `By ...` line was taken for the byline, so a
    standfirst such as `By 2034 the sea walls ...` became the author."""
    rec = parse(page(HEADER, "", standfirst, "", "published 5 March 2024", "", P1, "", P2))
    assert (rec["subtitle"], rec["author"], rec["body"]) == (standfirst, None, f"{P1}\n\n{P2}")
    # A writer's name there is the byline, as before, lower-case particle and all.
    for name in ("Ana de la Cruz", "Ann Lee and Bob Stone", "van der Berg"):
        rec = parse(page(HEADER, "", f"By {name}", "published 5 March 2024", "", P1))
        assert (rec["author"], rec["body"]) == (name, P1)


@pytest.mark.parametrize("line", [
    "Thank you for signing up to TheWeek. You will receive a verification email shortly.",
    "You are now subscribed", "Your newsletter sign-up was successful",
    "A free daily digest of the biggest news stories of the day - and the best features from our website",
    "Sign up to The Week's Travel newsletter for destination guides and the latest trends",
    "Create an account with the same email registered to your subscription to unlock access.",
    "When you make a purchase using links on our site, The Week may earn a commission.",
    "When you make a purchase using links on our site, The Week may earn a commission. All reviews are written "
    "independently by our editorial team."])
def test_the_sites_form_and_notice_lines_in_their_other_wordings_are_dropped(line: str) -> None:
    """Outside audit g30 (real pages of the site): the sign-up form's status lines, the older site's
    newsletter and affiliate wording stayed in the body, glued between paragraphs or a blank line apart."""
    for glued in (True, False):
        lines = [P1, line, P2] if glued else [P1, "", line, "", P2]
        assert parse(page(HEADER, "", *lines))["body"] == f"{P1}\n\n{P2}"


def test_a_section_kicker_over_the_headline_saved_again_leaves_the_standfirst() -> None:
    """Outside audit g30: the older site's page top (`Instant Opinion`, the headline again, the
    standfirst) kept all three in the body; the kicker alone or the headline alone went already."""
    head = " date 2021-01-11 \u2018Sandbags are not a flood policy\u2019"
    standfirst = "Your digest of analysis and commentary from the coastal press"
    for top in (["Instant Opinion", ""], ["", "Instant Opinion", ""]):
        rec = parse(page(head, *top, "\u2018Sandbags are not a flood policy\u2019", "", standfirst, "", P1, "", P2))
        assert (rec["subtitle"], rec["body"]) == (standfirst, f"{P1}\n\n{P2}")


def test_a_lone_view_more_in_the_text_does_not_end_the_page() -> None:
    """Audit l35: with no `View More` in the footer, one between paragraphs cut off the rest of the
    text, the signature and the bio (the lines under it were all short). Furniture under the footer's
    own `View More` (section links, a copyright line) is still left out."""
    sig, bio = "Morag Lindsay, The Week UK", "Morag Lindsay covers Scotland for The Week."
    rec = parse(page(HEADER, "", P1, "", "View More", "", "Fares will rise.", "", "Islanders welcomed it.", "",
                     sig, "", bio, "", "Latest", "You might also like"))
    assert rec["body"] == f"{P1}\n\nFares will rise.\n\nIslanders welcomed it."
    assert (rec["author"], rec["publication"], rec["author_bio"]) == ("Morag Lindsay", "The Week UK", bio)
    rec = parse(page(HEADER, "", P1, "", sig, "", bio, "", *FOOTER, "UK News", "World", "",
                     "\u00a9 Future US, Inc. All rights reserved."))
    assert (rec["body"], rec["author_bio"]) == (P1, bio)


@pytest.mark.parametrize("spaced", [f"The{NBSP}Week", " The Week", f"{NBSP}The Week", "The  Week", f"The Week{NBSP}US"])
def test_the_us_box_heading_spaced_otherwise_is_dropped(spaced: str) -> None:
    """Audit v37: the US box's heading with a non-breaking space in it, indented or with a double
    space, stayed in the body; every other promo line was dropped when spaced so."""
    escape = "Escape your echo chamber. Get the facts behind the news, plus analysis from multiple perspectives."
    assert parse(page(HEADER, "", P1, "", spaced, "", escape, "", P2))["body"] == f"{P1}\n\n{P2}"
    # Between paragraphs with no box under it, it is still text.
    assert parse(page(HEADER, "", P1, "", spaced, "", P2))["body"] == f"{P1}\n\n{spaced.strip()}\n\n{P2}"


@pytest.mark.parametrize("label", [f"Image{NBSP}credit:", "Image  credit:", "Image credit :", f"Photo{NBSP}credit:"])
def test_a_credit_label_spaced_otherwise_is_still_the_credit(label: str) -> None:
    """Audit v37: `(Image\\xa0credit: ...)` was no credit line, so the caption and credit went into the
    body, or the standfirst, and the byline under them with it."""
    caption = "Volunteers clear a plot on the edge of the town"
    rec = parse(page(HEADER, "", caption, f"({label} Ines Varga)", "By Jane Doe", "published 14 May 2022", "", P1))
    assert (rec["image_caption"], rec["image_credit"], rec["author"], rec["body"]) == (
        caption, "Ines Varga", "Jane Doe", P1)
    assert credit_of(f"{label} Ines Varga") == "Ines Varga"
    assert credit_of(f"Image{NBSP}is everything: a talk") is None  # (only the labels)


@pytest.mark.parametrize("sig", [f"Jane Doe, The{NBSP}Week UK", "Jane Doe, The  Week UK",
                                 f"Jane{NBSP}Doe, The{NBSP}Week"])
def test_the_sites_signature_spaced_otherwise_signs(sig: str) -> None:
    """Audit v37: `Jane Doe, The\\xa0Week UK` as the last paragraph, with no bio or paywall above it,
    was left at the end of the body: the tests for the site's own publication saw no `The Week`."""
    rec = parse(page(HEADER, "", P1, "", P2, "", sig))
    assert (rec["body"], rec["author"], rec["publication"]) == (f"{P1}\n\n{P2}", "Jane Doe", " ".join(sig.split()[2:]))


# ---------------------------------------------------------------- audit n37 (the sample mutated as scrapers do)

ESCAPE = "Escape your echo chamber. Get the facts behind the news, plus analysis from multiple perspectives."
MORNING = ("From our morning news briefing to a weekly Good News Newsletter, get the best of The Week delivered "
           "directly to your inbox.")


def test_a_line_of_a_zero_width_space_over_the_header_is_blank_not_a_second_page() -> None:
    """Audit n37: the page was refused as two pages saved into one file (`parse.second-header`)."""
    rec = parse(page("\u200b", HEADER, "", P1))
    assert (rec["title"], rec["body"]) == ("Allotment waiting lists grow longer", P1)


@pytest.mark.parametrize("promo", [
    "\u200bhttps://cdn.example.net/flexiimages/promo123.jpg",
    "\u200b\U0001f4e9 Sign up for The Week's Free Newsletters", "Sign up \u2192\u200b", f"**{MORNING}**\u200b", "![](https://cdn.example.net/flexiimages/promo123.jpg)",
    f"\u200b### {ESCAPE}"])
def test_promo_lines_with_a_zero_width_character_or_as_markdown_are_dropped(promo: str) -> None:
    """Audit n37: a zero-width space left on the promo's image URL, next to a button's icon or its
    Markdown, and the promo image as Markdown (`![](url)`), stayed in the body."""
    assert parse(page(HEADER, "", P1, "", promo, "", P2))["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("heading", ["The Week\u200b", "**The Week**"])
def test_the_us_box_heading_with_a_zero_width_space_or_in_bold_is_dropped(heading: str) -> None:
    assert parse(page(HEADER, "", P1, "", heading, "", ESCAPE, "", P2))["body"] == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("marker", ["**", "## "])
def test_a_bold_or_heading_promo_wrapped_over_two_lines_is_dropped(marker: str) -> None:
    """Audit n37: html2text's bold (or heading) promo, hard-wrapped at 78 columns, stayed in the body."""
    close = "**" if marker == "**" else ""
    first, rest = MORNING[:78], MORNING[78:]
    assert parse(page(HEADER, "", P1, "", f"{marker}{first.rstrip()}", f"{rest.lstrip()}{close}", "", P2))[
        "body"] == f"{P1}\n\n{P2}"


def test_mojibake_repaired_in_labels_and_around_a_bylines_dot() -> None:
    """Audit n37, a whole page saved as cp1252 mojibake and read with fix_mojibake: `Â·` and `Â»` alone
    between words were not found, so `By Jane Doe Â· published ...` kept `Â` in the author and
    `Sign up Â»` stayed in the body; a repaired `Byâ€‹` (By and a zero-width space) was no label."""
    def mojibake(text: str) -> str:
        return text.encode("utf-8").decode("cp1252", "replace")

    lines = [HEADER, "", "By Jane Doe \u00b7 published 3 May 2022", "", P1, "", "Sign up \u00bb", "", P3]
    rec = newsset.parse_text(page(*map(mojibake, lines)), "m.txt", fix_mojibake=True).to_dict()
    assert (rec["author"], rec["body"]) == ("Jane Doe", f"{P1}\n\n{P3}")
    rec = newsset.parse_text(page(HEADER, "", mojibake("By\u200b"), "published", "", P1), "m.txt",
                             fix_mojibake=True).to_dict()
    assert rec["body"] == P1
    assert newsset.text.fix_mojibake(mojibake("View More \u25b8")) == "View More \u25b8"  # (ftfy leaves it)


def _wrapped(*paragraphs: str) -> list[str]:
    """Paragraphs hard-wrapped at 78 columns, a blank line between them (html2text's way)."""
    import textwrap

    out: list[str] = []
    for p in paragraphs:
        out += [*textwrap.wrap(p, 78), ""]
    return out[:-1]


LONG = ("Councils in six cities say the wait for an allotment now runs to eight years, and some have closed "
        "their lists altogether while they look for more land near the edge of town.")
LONGER = ("Some towns are turning disused car parks and verges into gardens, a move that has proved popular "
          "with residents who had given up hope of a plot and with the councils that pay for the upkeep.")


def test_on_a_hard_wrapped_page_a_caption_wrapped_alone_or_under_its_alt_stays_one_caption() -> None:
    """Audit n37: a caption alone, wrapped (`... the new plots at` / `dawn`), gave `dawn` as the caption
    and the rest as the alt; alt and a wrapped caption a blank line above their credit went into the
    standfirst."""
    caption = "Volunteers from the parish clear the last of the brambles from the new plots before dawn"
    first, rest = caption[:78].rsplit(" ", 1)[0], caption[len(caption[:78].rsplit(" ", 1)[0]) + 1:]
    assert len(first) + 1 + len(rest.split()[0]) > 78 and rest[0].islower()
    rec = parse(page(HEADER, "", first, rest, "(Image credit: Ines Varga)", "", *_wrapped(LONG, LONGER)))
    assert (rec["image_alt"], rec["image_caption"], rec["image_credit"]) == (None, caption, "Ines Varga")
    standfirst = "Waiting lists have doubled in five years"
    rec = parse(page(HEADER, "", standfirst, "", "A wheelbarrow", first, rest, "", "(Image credit: Ines Varga)", "",
                     *_wrapped(LONG, LONGER)))
    assert (rec["subtitle"], rec["image_alt"], rec["image_caption"]) == (standfirst, "A wheelbarrow", caption)


def test_on_a_hard_wrapped_page_the_headline_saved_again_with_the_sites_name_is_left_out() -> None:
    """Audit n37: the copy (`Title | The Week UK`) glued under the header joined the title."""
    title = "Allotment waiting lists grow longer as councils run short of land"
    rec = parse(page(f" date 2022-05-17 {title}", f"{title} | The Week UK", "", *_wrapped(LONG, LONGER, P3)))
    assert rec["title"] == title and rec["body"].startswith("Councils in six")


def test_the_author_box_right_above_the_paywall_with_its_bio_glued_on_signs_a_round_ups_item_does_not() -> None:
    """Audit n37: with the bio glued under it, the box stayed in the body and no author. Audit x37: a
    round-up's last item (`Name, The Week UK` over a summary that names them) is no box, and a box
    alone there stays in the body (a shortlist's last item or a quote's attribution looks the same)."""
    sig, bio = "Morag Lindsay, The Week UK", "Morag Lindsay covers Scotland for The Week."
    rec = parse(page(HEADER, "", P1, "", P2, "", sig, bio, "", *PAYWALL))
    assert (rec["body"], rec["author"], rec["publication"], rec["author_bio"], rec["truncated"]) == (
        f"{P1}\n\n{P2}", "Morag Lindsay", "The Week UK", bio, True)
    items = ["Tom Bell, The Times", "Bell says a ferry is no luxury.", "", sig, "Lindsay says the board is right."]
    rec = parse(page(HEADER, "", P1, "", *items, "", *PAYWALL))
    assert (rec["publication"], rec["author_bio"]) == (None, None) and rec["body"].endswith("board is right.")
    rec = parse(page(HEADER, "", P1, "", P2, "", sig, "", *PAYWALL))
    assert (rec["publication"], rec["body"]) == (None, f"{P1}\n\n{P2}\n\n{sig}")


def test_the_wrapped_caption_rules_leave_real_alts_and_standfirsts_alone() -> None:
    """Audit x37 (rules of audit n37 attacked): on a hard-wrapped page an alt over a caption that opens
    with a name's particle (`van Gogh's`), or an alt longer than the page's lines, was merged into one
    caption; a second standfirst paragraph of three wrapped lines was read as alt and caption."""
    body = _wrapped(LONG, LONGER, P3)
    alt = "Two activists kneel beneath Sunflowers after throwing soup at the glass in the"
    caption = "van Gogh's painting was behind glass and was not damaged, the gallery said"
    rec = parse(page(HEADER, "", alt, caption, "(Image credit: Ines Varga)", "", *body))
    assert (rec["image_alt"], rec["image_caption"]) == (alt, caption)
    long_alt = alt + " National Gallery in London on Friday morning"
    rec = parse(page(HEADER, "", long_alt, "as visitors watched", "(Image credit: Ines Varga)", "", *body))
    assert (rec["image_alt"], rec["image_caption"]) == (long_alt, "as visitors watched")
    standfirst, more = "Islanders win a reprieve", _wrapped(LONG + " " + LONGER)[:3]
    rec = parse(page(HEADER, "", standfirst, "", *more, "", "(Image credit: Ines Varga)", "", *body))
    assert rec["image_alt"] is None and rec["subtitle"].startswith(f"{standfirst}\n\n{more[0]}")


@pytest.mark.parametrize("text", ["Dara \u00d3\u00a0Briain hosts the show", "the letter \u00ab\u00c2\u00bb in French"])
def test_fixing_mojibake_leaves_real_letters_before_a_space_or_in_quotes(text: str) -> None:
    """Audit x37: with ftfy installed, re-decoding after it turned `Ó` and a non-breaking space into
    `Ӡ`, and `«Â»` into `«»`: only sequences of three characters are re-decoded after ftfy, and `Â`
    counts as mojibake of punctuation only after white space."""
    assert newsset.text.fix_mojibake(text) == text
    assert not [f for f in newsset.text.find(text) if f.text.startswith("\u00c2")]
