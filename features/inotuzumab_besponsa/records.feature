@pack:inotuzumab_besponsa
Feature: Medical records for a determination
  The records provision of the section "Billing/Coding/Physician Documentation Information": a
  request that lacks a fact the determination depends on is pended and the missing facts are
  named, never denied for want of information; a letter of support does not stand in for a
  fact. The engine names exactly the facts whose value could change the decision, so that one
  request for records settles it. A pended request rests on INO-RECORDS alone.

  @clause:INO-RECORDS
  Rule: A request missing a fact the determination depends on is pended, naming the missing facts

    @applies
    Scenario: Relapsed ALL whose lineage is not stated is pended for the lineage
      Given a request for an adult with relapsed ALL
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision rests on clause INO-RECORDS

    @applies
    Scenario: ALL with neither lineage nor disease status stated is pended for both
      Given a request for an adult with ALL not in remission
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage and disease status
      And the decision rests on clause INO-RECORDS

    @applies @reading:several-unknown-facts
    Scenario: ALL with nothing stated but the diagnosis is pended for every fact at once
      Given a request for an adult with ALL not in remission
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage, disease status, FDA labeling and compendia
      And the decision rests on clause INO-RECORDS

    @applies @reading:several-unknown-facts
    Scenario: Relapsed ALL of unstated lineage and no evidence is pended for three facts
      Given a request for an adult with relapsed ALL
      And the request says nothing about FDA labeling or compendia
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage, FDA labeling and compendia
      And the decision rests on clause INO-RECORDS

    @applies
    Scenario: A use beyond the primary indication without any evidence is pended for the evidence
      Given a request for an adult with relapsed ALL
      And the leukemia is of T-cell lineage
      And the request says nothing about FDA labeling or compendia
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are FDA labeling and compendia
      And the decision rests on clause INO-RECORDS

    @applies
    Scenario: An unsupported lymphoma use whose compendia are not stated is pended for them
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And the compendia are not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are compendia
      And the decision rests on clause INO-RECORDS

    @applies
    Scenario: A lymphoma use with no compendium listing whose labeling is not stated is pended for it
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And no compendium lists the use
      And FDA labeling is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are FDA labeling
      And the decision rests on clause INO-RECORDS

    @applies
    Scenario: A hypothetical labeled use whose clinical benefit is not stated is pended for it
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, and clinical benefit is not stated
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are clinical benefit
      And the decision rests on clause INO-RECORDS

    @applies @reading:several-unknown-facts
    Scenario: A hypothetical labeled use with neither benefit nor compendia stated is pended for both
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, and clinical benefit is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are clinical benefit and compendia
      And the decision rests on clause INO-RECORDS

    @applies
    Scenario: A request that does not say whether the condition is a cancer is pended when that decides it
      Given a request for an adult with rheumatoid arthritis
      And whether the condition is a cancer is not stated
      And the use is not within FDA labeling on the date of service
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the condition is a cancer
      And the decision rests on clause INO-RECORDS

    @applies @reading:several-unknown-facts
    Scenario: A condition not known to be a cancer, with no evidence, is pended for three facts
      Given a request for an adult with rheumatoid arthritis
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the condition is a cancer, FDA labeling and compendia
      And the decision rests on clause INO-RECORDS

    @applies @reading:unknown-cancer-investigational
    Scenario: A hypothetical labeled use without benefit is pended for whether the condition is a cancer
      Given a request for an adult with rheumatoid arthritis
      And the use is within FDA labeling on the date of service, but clinical benefit is not established
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the condition is a cancer
      And the decision rests on clause INO-RECORDS

    @applies
    Scenario: A letter of support does not supply a missing fact
      Given a request for an adult with relapsed ALL
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      And a letter of support is supplied
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision rests on clause INO-RECORDS

    @applies @reading:letter-with-facts
    Scenario: A letter of support does not supply several missing facts either
      Given a request for an adult with ALL not in remission
      And a letter of support is supplied
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage and disease status
      And the decision rests on clause INO-RECORDS

    @near-miss @reading:letter-with-facts
    Scenario: A letter of support that states the lineage is decided on the facts the request states
      Given a request for an adult with relapsed ALL
      And a letter of support is supplied
      And the leukemia is of B-cell precursor lineage
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies @reading:icd-status-conflict
    Scenario Outline: An ALL code that contradicts the stated disease status is pended when the two readings differ
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the disease status is <status>
      And the diagnosis is coded <code>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are disease status
      And the decision rests on clause INO-RECORDS

      Examples:
        | status          | code   |
        | relapsed        | C91.01 |
        | relapsed        | C91.00 |
        | refractory      | C91.01 |
        | newly diagnosed | C91.02 |
        | in remission    | C91.02 |
        | in remission    | C91.00 |

    @near-miss @reading:icd-status-conflict
    Scenario Outline: An ALL code that contradicts the stated disease status is decided when both readings agree
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the disease status is <status>
      And the diagnosis is coded <code>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is <outcome>
      And the determination is <determination>
      And the decision rests on clauses <clauses>

      Examples:
        | status          | code   | outcome     | determination        | clauses                             |
        | refractory      | C91.02 | covered     | medically necessary  | INO-RR-BALL                         |
        | newly diagnosed | C91.01 | not covered | investigational      | INO-INV-UNSUPPORTED and INO-NOT-MET |

    @near-miss @reading:icd-status-conflict
    Scenario Outline: An ALL code that agrees with the stated disease status is decided
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the disease status is <status>
      And the diagnosis is coded <code>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is <outcome>
      And the determination is <determination>
      And the decision rests on clauses <clauses>

      Examples:
        | status          | code   | outcome     | determination        | clauses                             |
        | relapsed        | C91.02 | covered     | medically necessary  | INO-RR-BALL                         |
        | refractory      | C91.00 | covered     | medically necessary  | INO-RR-BALL                         |
        | in remission    | C91.01 | not covered | investigational      | INO-INV-UNSUPPORTED and INO-NOT-MET |
        | newly diagnosed | C91.00 | not covered | investigational      | INO-INV-UNSUPPORTED and INO-NOT-MET |

    @near-miss @reading:all-by-its-code
    Scenario: ALL coded as such is decided when the disease itself is not named
      Given a request for an adult with relapsed B-cell precursor leukemia coded C91.02
      And the disease is not stated
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @near-miss
    Scenario: A complete request with a letter of support is decided
      Given a request for an adult with relapsed B-cell precursor ALL
      And a letter of support is supplied
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @near-miss
    Scenario: A fact that cannot change the outcome does not pend the request
      Given a request for an adult with ALL not in remission
      And the leukemia is of T-cell lineage
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

    @near-miss
    Scenario: A condition the request calls a cancer, with strong compendium support, is decided
      Given a request for an adult with rheumatoid arthritis
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA

    @near-miss
    Scenario: A non-cancer use is decided without labeling or compendium evidence
      Given a request for an adult with rheumatoid arthritis
      And the condition is not a cancer
      And the request says nothing about FDA labeling or compendia
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-NONCANCER and INO-NOT-MET

    @near-miss
    Scenario: Strong compendium support decides a request whose lineage is not stated
      Given a request for an adult with relapsed ALL
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA

    @near-miss
    Scenario: Labeling with benefit decides a request whose status is not stated
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the use is within FDA labeling on the date of service, with clinical benefit established
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-FDA-LABEL

  @clause:INO-RECORDS
  Rule: What a code or a weak listing might suggest is asked for, never assumed
    A lymphoma's diagnosis code says nothing of whether the request calls the condition a cancer,
    an ALL code says nothing of a status the request leaves out, and a weak compendium listing
    says nothing of FDA labeling: each fact stays missing until the request states it.

    @applies @reading:all-is-a-cancer
    Scenario: A lymphoma coded as such, with strong compendium support, is pended for whether it is a cancer
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And NCCN rates the use category 1
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause INO-RECORDS
      And the missing facts are whether the condition is a cancer

    @applies @reading:all-is-a-cancer
    Scenario: A lymphoma coded as such, within labeling with benefit, is pended for whether it is a cancer
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the use is within FDA labeling on the date of service, with clinical benefit established
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause INO-RECORDS
      And the missing facts are whether the condition is a cancer

    @applies @reading:weak-listing-beside-unstated-labeling
    Scenario Outline: A weak compendium listing beside unstated FDA labeling is pended for the labeling
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And <compendium> rates the use <rating>
      And FDA labeling is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause INO-RECORDS
      And the missing facts are FDA labeling

      Examples:
        | compendium         | rating      |
        | NCCN               | category 2B |
        | Micromedex DrugDex | class IIb   |

    @applies @reading:icd-status-conflict
    Scenario Outline: An ALL code does not supply the disease status the request leaves out
      Given a request for an adult with B-cell precursor ALL
      And the disease status is not stated
      And the diagnosis is coded <code>
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause INO-RECORDS
      And the missing facts are disease status, FDA labeling and compendia

      Examples:
        | code   |
        | C91.01 |
        | C91.02 |

    @applies @reading:several-all-codes
    Scenario: Relapsed ALL coded both in relapse and in remission is pended for the status
      Given a request for an adult with relapsed B-cell precursor ALL
      And the diagnosis is coded C91.02 and C91.01
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause INO-RECORDS
      And the missing facts are disease status, FDA labeling and compendia

    @applies @reading:several-all-codes
    Scenario: Newly diagnosed ALL coded both as not in remission and in relapse is pended for the status
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the diagnosis is coded C91.00 and C91.02
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause INO-RECORDS
      And the missing facts are disease status, FDA labeling and compendia

    @near-miss @reading:several-all-codes
    Scenario: ALL codes that disagree do not pend a use that strong compendium support covers anyway
      Given a request for an adult with relapsed B-cell precursor ALL
      And the diagnosis is coded C91.02 and C91.01
      And NCCN rates the use category 1
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA

  @clause:INO-RR-BALL
  Rule: A birth date after the date of service is taken as stated

    @applies @reading:born-after-service
    Scenario: A member recorded as born the day after the date of service is decided on the other facts
      Given a request for a member born after the date of service, with relapsed B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies @reading:born-after-service
    Scenario: A member recorded as born a year after the date of service is decided on the other facts
      Given a request for a member born after the date of service, with relapsed B-cell precursor ALL
      And the member was born on 2021-06-15
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL
