@pack:inotuzumab_besponsa
Feature: Medical records for a determination
  The records provision of the section "Billing/Coding/Physician Documentation Information": a
  request that lacks a fact the determination depends on is pended and the missing facts are
  named, never denied for want of information; a letter of support does not stand in for a
  fact. The engine asks for every missing fact that could change the outcome, and only those.

  @clause:INO-RECORDS
  Rule: A request missing a fact the determination depends on is pended, naming the missing facts

    @applies
    Scenario: Relapsed ALL whose lineage is not stated is pended for the lineage
      Given a request for an adult with relapsed B-cell precursor ALL
      But the lineage is not stated
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision cites clause INO-RECORDS

    @applies
    Scenario: ALL with neither lineage nor disease status stated is pended for both
      Given a request for an adult with relapsed B-cell precursor ALL
      But the lineage is not stated
      And the disease status is not stated
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And the missing facts are lineage and disease status

    @applies
    Scenario: A use beyond the primary indication without any evidence is pended for the evidence
      Given a request for an adult with relapsed B-cell precursor ALL
      But the leukemia is of T-cell lineage
      And the request says nothing about FDA labeling or compendia
      When the engine decides the request
      Then the request is pended for more information
      And the missing facts are FDA labeling and compendia

    @applies
    Scenario: A labeled use whose clinical benefit is not stated is pended for it
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, and clinical benefit is not stated
      When the engine decides the request
      Then the request is pended for more information
      And the missing facts are clinical benefit

    @applies
    Scenario: A request that does not say whether the condition is a cancer is pended when that decides it
      Given a request for an adult with rheumatoid arthritis
      But whether the condition is a cancer is not stated
      And the use is not within FDA labeling on the date of service
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is pended for more information
      And the missing facts are whether the condition is a cancer

    @applies
    Scenario: A letter of support does not supply a missing fact
      Given a request for an adult with relapsed B-cell precursor ALL
      But the lineage is not stated
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      And a letter of support is supplied
      When the engine decides the request
      Then the request is pended for more information
      And the missing facts are lineage

    @applies @reading:icd-status-conflict
    Scenario Outline: An ALL code that contradicts the stated disease status is pended for the status
      Given a request for an adult with relapsed B-cell precursor ALL
      And the disease status is <status>
      And the diagnosis is coded <code>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And the missing facts are disease status

      Examples:
        | status          | code   |
        | relapsed        | C91.01 |
        | relapsed        | C91.00 |
        | refractory      | C91.02 |
        | newly diagnosed | C91.01 |

    @near-miss @reading:icd-status-conflict
    Scenario Outline: An ALL code that agrees with the stated disease status is decided
      Given a request for an adult with relapsed B-cell precursor ALL
      And the disease status is <status>
      And the diagnosis is coded <code>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is <outcome>

      Examples:
        | status          | code   | outcome     |
        | relapsed        | C91.02 | covered     |
        | refractory      | C91.00 | covered     |
        | in remission    | C91.01 | not covered |
        | newly diagnosed | C91.00 | not covered |

    @near-miss
    Scenario: A complete request with a letter of support is decided
      Given a request for an adult with relapsed B-cell precursor ALL
      And a letter of support is supplied
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary

    @near-miss
    Scenario: A fact that cannot change the outcome does not pend the request
      Given a request for an adult with relapsed B-cell precursor ALL
      But the leukemia is of T-cell lineage
      And the disease status is not stated
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational

    @near-miss
    Scenario: A non-cancer use is decided without labeling or compendium evidence
      Given a request for an adult with rheumatoid arthritis
      And the request says nothing about FDA labeling or compendia
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational

    @near-miss
    Scenario: Strong compendium support decides a request whose lineage is not stated
      Given a request for an adult with relapsed B-cell precursor ALL
      But the lineage is not stated
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
