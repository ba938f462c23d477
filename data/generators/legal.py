"""Legal documents (task `summarization`): boilerplate, key terms in the middle, a summary restating the terms."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .common import CITIES, ORGS, REGIONS, Row, a_date, later_dates, money, person, rng_for

CONTRACT_PREAMBLE = (
    "This agreement is made under the laws that apply to commercial contracts in the place named below.",
    "The parties have read the terms in full and agree to be bound by them.",
    "Each party confirms that it has the power and authority to enter into this agreement.",
    "Words in the singular include the plural, and headings are for convenience only.",
    "This document sets out the entire understanding between the parties and replaces any earlier discussions.",
    "Capitalised terms have the meanings given to them in this document.",
    "The recitals and schedules form part of this agreement.",
)
CONTRACT_TAIL = (
    "Any notice under this agreement must be in writing and sent to the address of the other party.",
    "If any clause is found invalid, the remaining clauses stay in full force.",
    "This agreement is governed by the laws of {region}.",
    "Neither party may assign its rights without the written consent of the other party.",
    "A failure to enforce a clause is not a waiver of that clause.",
    "This agreement may be signed in counterparts, each of which is an original.",
    "Neither party is liable for delays caused by events beyond its reasonable control.",
    "Changes to this agreement are valid only if made in writing and signed by both parties.",
    "Disputes will first be discussed in good faith by senior managers of both parties.",
)
COURT_PREAMBLE = (
    "This notice is issued under the rules of civil procedure that apply in this court.",
    "Please read this notice carefully, because it affects your legal rights.",
    "You may wish to seek advice from a lawyer before you take any step.",
    "Copies of the court papers can be viewed at the court office during opening hours.",
)
COURT_TAIL = (
    "Questions about this notice may be sent to the court office in writing.",
    "The court does not give legal advice to either party.",
    "This notice was sent by registered mail to the address known to the court.",
    "Failure to act may lead to a judgment being entered without further notice.",
    "Interpreters can be booked through the court office at least five days before the hearing.",
)
SERVICES = (
    "cloud hosting and backup services", "payroll software and support", "security monitoring",
    "cleaning services for its offices", "IT help-desk support", "data storage and file sharing",
    "marketing and design services", "translation services",
)  # fmt: skip
ROLES = ("a senior accountant", "a data engineer", "an office manager", "a nurse", "a sales manager", "a support agent")
NDA_PURPOSES = (
    "to evaluate a possible merger", "to plan a joint software project", "to discuss a supply partnership",
    "to prepare a joint bid for a public contract", "to review a possible investment",
)  # fmt: skip
GOODS = ("office chairs", "laptops", "boxes of printer paper", "solar panels", "packs of medical gloves", "desks")
PROJECTS = (
    "a review of its billing process", "the move of its files to Northwind Cloud", "a new customer survey",
    "training for its finance team", "a study of its delivery routes",
)  # fmt: skip
CLAIM_REASONS = (
    "unpaid invoices", "damage to rented equipment", "late delivery of goods", "unpaid rent",
    "breach of a service contract",
)  # fmt: skip
STREETS = ("Harbor Street", "Mill Lane", "Station Road", "Orchard Avenue", "Quay Street", "Market Square")


# Clauses with no key term: each appears in a document with probability one half (never in a summary).
LEASE_EXTRAS = (
    "The Tenant must keep the premises clean and in good repair and must report any damage promptly.",
    "The Landlord will insure the building and carry out repairs to its structure.",
)
EMPLOYMENT_EXTRAS = (
    "The Employee must keep the business information of the Employer confidential during and after employment.",
    "The Employer will refund reasonable travel costs that the Employee incurs for work.",
)
NDA_EXTRAS = (
    "Confidential information includes business plans, prices, customer lists, source code and any document marked "
    "as confidential.",
    "Information that is already public, or that a party developed on its own, is not covered.",
)
LOAN_EXTRAS = (
    "The Borrower may repay the whole loan early without penalty after giving written notice.",
    "The Borrower will use the funds only for the purposes of its business.",
)
SUPPLY_EXTRAS = (
    "The Buyer will inspect the goods within five working days and report any defects in writing.",
    "Ownership of the goods passes to the Buyer on full payment.",
)
CONSULTING_EXTRAS = (
    "The Consultant is not an employee of the Client and is responsible for any taxes on the fees.",
    "The Consultant will send an invoice at the end of each month with a list of the hours worked.",
    "All reports made under this agreement belong to the Client once they are paid for.",
)
COURT_EXTRAS = (
    "If the defendant does not respond, the court may decide the case without hearing the defendant.",
    "Both parties may bring documents and witnesses to the hearing.",
)
SERVICE_EXTRAS = (
    "The Client must name one contact person for all requests.",
    "The Provider must report any security incident to the Client without delay.",
)


@dataclass
class LegalTerms:
    """The parts of one legal document: its kind, title, key-term sentences, reference summary and optional clauses."""

    kind: str  # "contract" or "court"
    title: str
    key: list[str]
    summary: str
    extra: tuple[str, ...] = ()


def two_orgs(rng: random.Random) -> tuple[str, str]:
    """Two different organisations from the training pool."""
    first, second = rng.sample(ORGS, 2)
    return first, second


def service_agreement(rng: random.Random) -> LegalTerms:
    """A service agreement: provider, client, monthly fee, term and notice."""
    provider, client = two_orgs(rng)
    service, fee, term = rng.choice(SERVICES), rng.randrange(800, 20000, 50), rng.choice((6, 12, 18, 24, 36))
    (signed, start), notice, pay_days = later_dates(rng, 2), rng.choice((14, 30, 60, 90)), rng.choice((15, 30, 45))
    key = [
        f"This Service Agreement is entered into on {signed} between {provider}, based in {rng.choice(CITIES)} "
        f"(the Provider), and {client}, based in {rng.choice(CITIES)} (the Client).",
        f"The Provider will supply {service} to the Client during the term.",
        f"The Client will pay a fee of {money(fee)} per month, due within {pay_days} days of each invoice.",
        f"The agreement starts on {start} and runs for {term} months.",
        f"Either party may end the agreement by giving {notice} days' written notice.",
    ]
    if rng.random() < 0.5:
        key.append(f"The Provider will keep the service available {rng.choice(('99.5', '99.9'))}% of the time and "
                   f"will credit {rng.choice((5, 10, 15))}% of the monthly fee for any month below that level.")
    summary = rng.choice((
        f"{provider} will provide {service} to {client} for {money(fee)} per month for {term} months from {start}. "
        f"Either party may end the agreement with {notice} days' notice.",
        f"{client} hires {provider} for {service} at {money(fee)} a month. The contract runs {term} months from "
        f"{start} and can be ended on {notice} days' notice.",
    ))
    return LegalTerms("contract", f"Service Agreement No. {rng.randint(1000, 9999)}", key, summary, SERVICE_EXTRAS)


def lease_agreement(rng: random.Random) -> LegalTerms:
    """An office lease: landlord, tenant, premises, rent, deposit and term."""
    landlord, tenant = two_orgs(rng)
    area, city, term = rng.randrange(40, 900, 10), rng.choice(CITIES), rng.choice((12, 24, 36, 60))
    rent, (signed, start) = rng.randrange(900, 15000, 50), later_dates(rng, 2)
    deposit = rent * rng.choice((2, 3))
    key = [
        f"This Lease is made on {signed} between {landlord} (the Landlord) and {tenant} (the Tenant).",
        f"The Landlord lets to the Tenant an office of {area} square metres at {rng.randint(2, 90)} "
        f"{rng.choice(STREETS)} in {city}.",
        f"The lease runs for {term} months starting on {start}.",
        f"The monthly rent is {money(rent)}, payable in advance on the first day of each month.",
        f"The Tenant will pay a security deposit of {money(deposit)} before moving in.",
        "The Tenant may not sublet the premises without the written consent of the Landlord.",
    ]
    if rng.random() < 0.5:
        key.insert(4, f"The rent rises by {rng.choice((2, 3, 4))}% on each anniversary of the start date.")
    summary = rng.choice((
        f"{landlord} leases a {area}-square-metre office in {city} to {tenant} for {term} months from {start} at "
        f"{money(rent)} per month. The tenant pays a {money(deposit)} deposit and may not sublet without consent.",
        f"{tenant} rents {area} square metres of office space in {city} from {landlord} for {money(rent)} a month "
        f"over {term} months, starting {start}, with a deposit of {money(deposit)}.",
    ))
    return LegalTerms("contract", f"Lease Agreement No. {rng.randint(1000, 9999)}", key, summary, LEASE_EXTRAS)


def employment_contract(rng: random.Random) -> LegalTerms:
    """An employment contract: employer, employee, role, salary, probation, leave and notice."""
    employer, employee, role, city = rng.choice(ORGS), person(rng), rng.choice(ROLES), rng.choice(CITIES)
    (signed, start), prob, salary = later_dates(rng, 2), rng.choice((3, 6)), rng.randrange(32000, 140000, 500)
    hours, leave, notice = rng.choice((32, 37, 40)), rng.choice((20, 25, 28, 30)), rng.choice((2, 4, 8, 12))
    key = [
        f"This Employment Contract is made on {signed} between {employer} (the Employer) and {employee} "
        "(the Employee).",
        f"The Employee will work as {role} at the office of the Employer in {city}.",
        f"Employment begins on {start}, and the first {prob} months are a probation period.",
        f"The Employer will pay a gross salary of {money(salary)} per year in twelve equal monthly payments.",
        f"Normal working time is {hours} hours per week, and the Employee is entitled to {leave} days of paid leave "
        "per year.",
        f"After the probation period, either party may end this contract with {notice} weeks' written notice.",
    ]
    summary = rng.choice((
        f"{employer} employs {employee} as {role} in {city} from {start} at {money(salary)} per year, with a "
        f"{prob}-month probation. The contract gives {leave} days of paid leave and requires {notice} weeks' notice.",
        f"{employee} joins {employer} as {role} on {start} for a yearly salary of {money(salary)}. After {prob} "
        f"months of probation, either side may end the contract with {notice} weeks' notice.",
    ))
    return LegalTerms("contract", f"Employment Contract No. {rng.randint(1000, 9999)}", key, summary, EMPLOYMENT_EXTRAS)


def nda(rng: random.Random) -> LegalTerms:
    """A mutual non-disclosure agreement: parties, purpose, secrecy period, return of materials and damages."""
    first, second = two_orgs(rng)
    purpose, years = rng.choice(NDA_PURPOSES), rng.choice((2, 3, 5, 7))
    days, penalty = rng.choice((10, 14, 30)), rng.randrange(10000, 500000, 5000)
    key = [
        f"This Non-Disclosure Agreement is made on {a_date(rng)} between {first} and {second}, each of which may "
        "share confidential information with the other.",
        f"The information is shared only {purpose}.",
        f"Each party must keep the information secret for {years} years from the date of signing.",
        f"On request, the receiving party must return or destroy all materials within {days} days.",
        f"A party that breaches this agreement must pay the other party {money(penalty)} as agreed damages.",
    ]
    summary = rng.choice((
        f"{first} and {second} agree to keep information shared {purpose} secret for {years} years. Materials "
        f"must be returned within {days} days of a request, and a breach costs {money(penalty)} in damages.",
        f"Under this NDA, {first} and {second} must keep each other's information confidential for {years} years. "
        f"A breach carries damages of {money(penalty)}.",
    ))
    return LegalTerms("contract", f"Non-Disclosure Agreement No. {rng.randint(1000, 9999)}", key, summary, NDA_EXTRAS)


def loan_agreement(rng: random.Random) -> LegalTerms:
    """A business loan: lender, borrower, principal, interest, installments and late fee."""
    lender = rng.choice(("Granite Peak Bank", "Everstone Insurance", "Harbor and Pine"))
    borrower = rng.choice([org for org in ORGS if org != lender])
    principal, rate = rng.randrange(20000, 2000000, 10000), rng.choice(("3.5", "4", "4.75", "5.25", "6", "7.5"))
    count, (signed, first_due), late_fee = rng.choice((12, 24, 36, 48, 60)), later_dates(rng, 2), rng.choice((50, 100))
    key = [
        f"This Loan Agreement is made on {signed} between {lender} (the Lender) and {borrower} (the Borrower).",
        f"The Lender agrees to lend the Borrower the principal sum of {money(principal)}.",
        f"Interest accrues at a fixed rate of {rate}% per year on the outstanding balance.",
        f"The Borrower will repay the loan in {count} equal monthly installments, the first of which is due on "
        f"{first_due}.",
        f"Any installment paid late carries a fee of {money(late_fee)}.",
    ]
    summary = rng.choice((
        f"{lender} lends {money(principal)} to {borrower} at {rate}% yearly interest, repaid in {count} monthly "
        f"installments from {first_due}. Late installments cost {money(late_fee)} each.",
        f"{borrower} borrows {money(principal)} from {lender} at a fixed {rate}% a year and repays it in {count} "
        f"monthly installments starting {first_due}.",
    ))
    return LegalTerms("contract", f"Loan Agreement No. {rng.randint(1000, 9999)}", key, summary, LOAN_EXTRAS)


def supply_agreement(rng: random.Random) -> LegalTerms:
    """A supply agreement: supplier, buyer, goods, price, delivery date and late-delivery discount."""
    supplier, buyer = two_orgs(rng)
    qty, goods, city = rng.randrange(50, 5000, 50), rng.choice(GOODS), rng.choice(CITIES)
    unit, (signed, deliver_by), pct = rng.randrange(5, 900), later_dates(rng, 2), rng.choice((1, 2, 5))
    key = [
        f"This Supply Agreement is made on {signed} between {supplier} (the Supplier) and {buyer} (the Buyer).",
        f"The Supplier will deliver {qty:,} {goods} to the warehouse of the Buyer in {city}.",
        f"The price is {money(unit)} per unit, and the total price of {money(qty * unit)} is payable within "
        f"{rng.choice((15, 30, 45))} days of delivery.",
        f"Delivery must be completed by {deliver_by}.",
        f"For each week of late delivery, the Supplier will reduce the total price by {pct}%.",
    ]
    summary = rng.choice((
        f"{supplier} will deliver {qty:,} {goods} to {buyer} in {city} by {deliver_by} for {money(qty * unit)}. "
        f"Late delivery reduces the price by {pct}% per week.",
        f"{buyer} buys {qty:,} {goods} from {supplier} at {money(unit)} each, for {money(qty * unit)} in total, "
        f"with delivery due by {deliver_by}.",
    ))
    return LegalTerms("contract", f"Supply Agreement No. {rng.randint(1000, 9999)}", key, summary, SUPPLY_EXTRAS)


def consulting_agreement(rng: random.Random) -> LegalTerms:
    """A consulting agreement: client, consultant, project, hourly rate, hour cap and dates."""
    client, consultant, project = rng.choice(ORGS), person(rng), rng.choice(PROJECTS)
    rate, hours, (signed, start, end) = rng.randrange(60, 400, 5), rng.choice((40, 80, 120, 200)), later_dates(rng, 3)
    key = [
        f"This Consulting Agreement is made on {signed} between {client} (the Client) and {consultant}, an "
        "independent consultant (the Consultant).",
        f"The Consultant will carry out {project}.",
        f"The Client will pay {money(rate)} per hour, up to a maximum of {hours} hours without further written "
        "approval.",
        f"The work starts on {start} and must be finished by {end}.",
    ]
    summary = rng.choice((
        f"{client} hires {consultant} as a consultant for {project} at {money(rate)} per hour, capped at {hours} "
        f"hours. The work runs from {start} to {end}.",
        f"{consultant} will carry out {project} for {client} between {start} and {end}, billing {money(rate)} an "
        f"hour for at most {hours} hours.",
    ))
    title = f"Consulting Agreement No. {rng.randint(1000, 9999)}"
    return LegalTerms("contract", title, key, summary, CONSULTING_EXTRAS)


def court_notice(rng: random.Random) -> LegalTerms:
    """A notice of hearing: court, claimant, defendant, amount, reason, hearing date and response deadline."""
    claimant, defendant = two_orgs(rng) if rng.random() < 0.7 else (person(rng), rng.choice(ORGS))
    city, amount, reason = rng.choice(CITIES), rng.randrange(2000, 400000, 100), rng.choice(CLAIM_REASONS)
    hearing, days = a_date(rng), rng.choice((14, 21, 28))
    key = [
        f"The District Court of {city} gives notice that {claimant} has filed a claim against {defendant} in case "
        f"number {rng.randint(2023, 2026)}-{rng.randint(100, 999)}.",
        f"The claimant asks for payment of {money(amount)} for {reason}.",
        f"A hearing will take place on {hearing} at {rng.choice(('9:30', '10:00', '11:15', '14:00'))} in courtroom "
        f"{rng.randint(1, 12)}.",
        f"The defendant must file a written response within {days} days of receiving this notice.",
    ]
    summary = rng.choice((
        f"{claimant} has sued {defendant} in the District Court of {city} for {money(amount)} over {reason}. The "
        f"hearing is on {hearing}, and {defendant} must respond within {days} days.",
        f"{defendant} must answer a claim of {money(amount)} for {reason} brought by {claimant} within {days} days; "
        f"the District Court of {city} will hear the case on {hearing}.",
    ))
    return LegalTerms("court", "Notice of Hearing", key, summary, COURT_EXTRAS)


LEGAL_KINDS: tuple[Callable[[random.Random], LegalTerms], ...] = (
    service_agreement, lease_agreement, employment_contract, nda, loan_agreement, supply_agreement,
    consulting_agreement, court_notice,
)  # fmt: skip
MIN_DOC_WORDS, MAX_DOC_WORDS = 120, 250


def legal_sentences(terms: LegalTerms, rng: random.Random) -> list[str]:
    """The document's sentences: title, two boilerplate sentences, the key terms, then boilerplate again."""
    court = terms.kind == "court"
    preamble = rng.sample(COURT_PREAMBLE if court else CONTRACT_PREAMBLE, 2)
    tail_pool = COURT_TAIL if court else CONTRACT_TAIL
    tail = [s.format(region=rng.choice(REGIONS)) for s in rng.sample(tail_pool, len(tail_pool))]
    body = terms.key[:1] + rng.sample(terms.key[1:3], 2) + terms.key[3:]  # light reordering of the early terms
    body += [clause for clause in terms.extra if rng.random() < 0.5]

    def sentences(count: int) -> list[str]:
        return [f"{terms.title}.", *preamble, *body, *tail[:count]]

    count = 1  # at least one closing clause; more until the document reaches its minimum length
    while count < len(tail) and len(" ".join(sentences(count)).split()) < MIN_DOC_WORDS + 5:
        count += 1
    while count > 1 and len(" ".join(sentences(count)).split()) > MAX_DOC_WORDS:
        count -= 1
    return sentences(count)


def legal_document(rng: random.Random) -> tuple[str, str]:
    """A (document, summary) pair of a random kind."""
    terms = rng.choice(LEGAL_KINDS)(rng)
    return " ".join(legal_sentences(terms, rng)), terms.summary


def make_summarization() -> dict[str, list[Row]]:
    """Legal documents and their faithful summaries, 700 train and 120 test, no repeated document."""
    rng = rng_for("summarization")
    seen: set[str] = set()
    rows: list[Row] = []
    while len(rows) < 820:
        document, summary = legal_document(rng)
        if document not in seen:
            seen.add(document)
            rows.append({"document": document, "summary": summary})
    return {"train": rows[:700], "test": rows[700:]}
