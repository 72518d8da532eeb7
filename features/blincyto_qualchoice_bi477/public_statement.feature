@pack:blincyto_qualchoice_bi477
Feature: Public Statement
  The section "Public Statement" of QualChoice policy BI477: from which date of service the
  revised policy decides requests, and what its prior authorization requirement means for a
  request that does not state everything the decision depends on. A request before the revision
  date is outside the policy: the policy sends it to customer service and makes no determination.

  @clause:QC-EFFECTIVE
  Rule: The policy governs services given on or after its revision date, 1 January 2016

    @applies @reading:before-the-revision-date
    Scenario: A service on the last day before the revision date is outside the policy
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the date of service is 2015-12-31
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause QC-EFFECTIVE

    @applies @reading:before-the-revision-date
    Scenario: A service after the first effective date but before the revision is outside the policy
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy
      And the date of service is 2015-06-15
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause QC-EFFECTIVE

    @applies @reading:before-the-revision-date
    Scenario: A request lacking facts is outside the policy before the revision date, not pended
      Given a request for an adult with ALL not in remission
      And the date of service is 2015-12-31
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause QC-EFFECTIVE

    @applies @reading:outside-citations
    Scenario: Before the revision date and billed without J9039, the request rests on both clauses
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the date of service is 2015-11-30
      And the drug is billed under J9999
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses QC-EFFECTIVE and QC-CODES

    @applies @reading:outside-citations
    Scenario: Another drug before the revision date rests on both clauses
      Given a request for an adult with refractory Philadelphia chromosome-negative B-cell precursor ALL
      And the date of service is 2015-10-01
      And the drug requested is inotuzumab ozogamicin
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses QC-EFFECTIVE and QC-CODES

    @near-miss @reading:before-the-revision-date
    Scenario: A service on the revision date that meets a criterion is covered
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the date of service is 2016-01-01
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @near-miss @reading:before-the-revision-date
    Scenario: A service on the revision date that meets neither criterion is not covered
      Given a request for an adult with newly diagnosed Philadelphia chromosome-negative B-cell precursor ALL
      And the date of service is 2016-01-01
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss @reading:before-the-revision-date
    Scenario: A service on the revision date that lacks a fact is pended
      Given a request for an adult with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      And the date of service is 2016-01-01
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH

  @clause:QC-PRIOR-AUTH
  Rule: A prior authorization request that lacks a fact the decision depends on is pended, naming the missing facts

    @applies
    Scenario: Relapsed Philadelphia chromosome-positive ALL is pended for what TKI therapy did
      Given a request for an adult with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:what-a-pended-request-names
    Scenario: ALL with nothing stated but its code is pended for every fact at once
      Given a request for an adult with ALL not in remission
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage, disease status, Philadelphia chromosome status and whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:what-a-pended-request-names
    Scenario: Relapsed ALL of unstated Philadelphia chromosome status is pended for it and for the TKI response
      Given a request for an adult with relapsed B-cell precursor ALL
      And the Philadelphia chromosome status is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are Philadelphia chromosome status and whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:what-a-pended-request-names
    Scenario: Philadelphia chromosome-negative ALL of unstated status is pended for the status alone
      Given a request for an adult with Philadelphia chromosome-negative B-cell precursor ALL coded as in relapse
      And the disease status is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are disease status
      And the decision rests on clause QC-PRIOR-AUTH

    @applies
    Scenario: Relapsed Philadelphia chromosome-negative ALL of unstated lineage is pended for the lineage
      Given a request for an adult with relapsed Philadelphia chromosome-negative ALL
      And the lineage is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision rests on clause QC-PRIOR-AUTH

    @applies
    Scenario: TKI-refractory Philadelphia chromosome-positive ALL of unstated lineage is pended for the lineage
      Given a request for an adult with Philadelphia chromosome-positive ALL refractory to TKI therapy
      And the lineage is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:what-a-pended-request-names
    Scenario: Philadelphia chromosome-positive ALL with neither status nor TKI response is pended for the TKI response alone
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL
      And the disease status is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:tki-refractory-stated
    Scenario: Refractory Philadelphia chromosome-positive ALL is pended for the TKI response, not taken as refractory to TKIs
      Given a request for an adult with refractory Philadelphia chromosome-positive B-cell precursor ALL
      And whether the disease is refractory to tyrosine kinase inhibitor therapy is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:what-a-pended-request-names
    Scenario: A letter of support does not supply the TKI response
      Given a request for an adult with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      And a letter of support is supplied
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:what-a-pended-request-names
    Scenario: A letter of support does not supply the lineage
      Given a request for an adult with relapsed Philadelphia chromosome-negative ALL
      And the lineage is not stated
      And a letter of support is supplied
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:icd-status-conflict
    Scenario: Relapsed disease coded as in remission is pended for the disease status
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the diagnosis is coded C91.01
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are disease status
      And the decision rests on clause QC-PRIOR-AUTH

    @applies @reading:icd-status-conflict
    Scenario Outline: An ALL code that contradicts the stated disease status is pended when the readings differ
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the leukemia is Philadelphia chromosome-negative
      And the disease status is <status>
      And the diagnosis is coded <code>
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are disease status
      And the decision rests on clause QC-PRIOR-AUTH

      Examples:
        | status          | code   |
        | relapsed        | C91.00 |
        | refractory      | C91.01 |
        | newly diagnosed | C91.02 |
        | in remission    | C91.02 |
        | in remission    | C91.00 |

    @near-miss @reading:prior-authorization
    Scenario: A complete request is decided at once, with no further step for prior authorization
      Given a request for an adult with refractory Philadelphia chromosome-negative B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @near-miss @reading:prior-authorization
    Scenario: A complete request that meets neither criterion is not covered, not pended
      Given a request for an adult with newly diagnosed Philadelphia chromosome-negative B-cell precursor ALL
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss
    Scenario: A complete request with a letter of support is decided on its facts
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And a letter of support is supplied
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @near-miss @reading:what-a-pended-request-names
    Scenario: An unstated lineage that cannot change the decision does not pend the request
      Given a request for an adult with newly diagnosed Philadelphia chromosome-negative ALL
      And the lineage is not stated
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss @reading:what-a-pended-request-names
    Scenario: A disease that is not ALL is decided whatever it leaves unstated
      Given a request for an adult with lymphoblastic lymphoma
      And the lineage is not stated
      And the disease status is not stated
      And the Philadelphia chromosome status is not stated
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss @reading:all-by-its-code
    Scenario: ALL coded as such is decided when the disease itself is not named
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor leukemia coded C91.02
      And the disease is not stated
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @near-miss @reading:icd-status-conflict
    Scenario Outline: An ALL code that contradicts the stated disease status is decided when both readings agree
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the leukemia is Philadelphia chromosome-negative
      And the disease status is <status>
      And the diagnosis is coded <code>
      When the engine decides the request
      Then the request is <outcome>
      And the determination is <determination>
      And the decision rests on clause <clause>

      Examples:
        | status          | code   | outcome     | determination           | clause       |
        | refractory      | C91.02 | covered     | medically necessary     | QC-PH-NEG-RR |
        | newly diagnosed | C91.01 | not covered | not medically necessary | QC-NOT-MET   |

    @near-miss @reading:icd-status-conflict
    Scenario: A contradicted status does not pend a request the TKI criterion decides
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy
      And the diagnosis is coded C91.01
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI

    @near-miss @reading:icd-status-conflict
    Scenario: Relapsed TKI-refractory disease coded as not in remission is covered without the status
      Given a request for an adult with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      And the disease has proved refractory to tyrosine kinase inhibitor therapy
      And the diagnosis is coded C91.00
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI

    @near-miss @reading:icd-status-conflict
    Scenario Outline: An ALL code that agrees with the stated disease status is decided
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the leukemia is Philadelphia chromosome-negative
      And the disease status is <status>
      And the diagnosis is coded <code>
      When the engine decides the request
      Then the request is <outcome>
      And the determination is <determination>
      And the decision rests on clause <clause>

      Examples:
        | status          | code   | outcome     | determination           | clause       |
        | relapsed        | C91.02 | covered     | medically necessary     | QC-PH-NEG-RR |
        | refractory      | C91.00 | covered     | medically necessary     | QC-PH-NEG-RR |
        | in remission    | C91.01 | not covered | not medically necessary | QC-NOT-MET   |
        | newly diagnosed | C91.00 | not covered | not medically necessary | QC-NOT-MET   |

    @applies @reading:icd-status-conflict
    Scenario Outline: An ALL code does not supply the disease status the request leaves out
      Given a request for an adult with Philadelphia chromosome-negative B-cell precursor ALL
      And the disease status is not stated
      And the diagnosis is coded <code>
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause QC-PRIOR-AUTH
      And the missing facts are disease status

      Examples:
        | code   |
        | C91.01 |
        | C91.02 |

    @applies @reading:several-all-codes
    Scenario: Relapsed ALL coded both in relapse and in remission is pended for the status
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the diagnosis is coded C91.02 and C91.01
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause QC-PRIOR-AUTH
      And the missing facts are disease status

    @applies @reading:several-all-codes
    Scenario: Newly diagnosed ALL coded both as not in remission and in relapse is pended for the status
      Given a request for an adult with newly diagnosed Philadelphia chromosome-negative B-cell precursor ALL
      And the diagnosis is coded C91.00 and C91.02
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause QC-PRIOR-AUTH
      And the missing facts are disease status

    @near-miss @reading:several-all-codes
    Scenario: ALL codes that disagree do not pend TKI-refractory Philadelphia chromosome-positive disease
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy
      And the diagnosis is coded C91.00 and C91.01
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI
