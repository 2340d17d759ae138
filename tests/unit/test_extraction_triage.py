from invoicepipe.domain.triage import DocumentFacts, TriageLimits, choose_pool

LIMITS = TriageLimits()


def facts(media="application/pdf", size=50_000, pages=1, chars=2_000, xml=False):
    return DocumentFacts(media, size, pages, chars, xml)


def test_pool_choice():
    assert choose_pool(facts(), LIMITS)[0] == "fast"
    assert choose_pool(facts(media="image/png", chars=0), LIMITS)[0] == "slow"
    pool, reason = choose_pool(facts(pages=3, chars=60), LIMITS)
    assert pool == "slow" and "OCR" in reason
    assert choose_pool(facts(pages=11, chars=20_000), LIMITS)[0] == "slow"
    assert choose_pool(facts(size=9_000_000), LIMITS)[0] == "slow"
    assert choose_pool(facts(pages=40, chars=0, xml=True), LIMITS)[0] == "fast"
