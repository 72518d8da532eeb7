@pack:blincyto_bcbsnd
Feature: Criteria: deciding on the facts a request states
  The policy has no records section; its criteria can only be judged on facts the request
  states. A request that lacks a fact the determination turns on is pended and the missing facts
  are named, all at once and no more than could change the decision; it is never covered or
  denied on a guess, and a letter of support stands in for no fact. A pended request rests on
  BND-RECORDS alone.

  @clause:BND-RECORDS
  Rule: A request missing a fact the determination turns on is pended, naming the missing facts

    @applies @reading:cd19-required
    Scenario: Relapsed B-cell precursor ALL with unstated CD19 expression is pended for it
      Given a request for an adult with relapsed B-cell precursor ALL
      And whether the leukemic blasts express CD19 is not stated
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are CD19 status
      And the decision rests on clause BND-RECORDS

    @applies
    Scenario: Relapsed ALL of unstated lineage is pended for the lineage
      Given a request for an adult with relapsed CD19-positive ALL
      And the lineage is not stated
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision rests on clause BND-RECORDS

    @applies @reading:mrd-threshold
    Scenario: First remission with no minimal residual disease result is pended for it
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And no minimal residual disease result is given
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are minimal residual disease
      And the decision rests on clause BND-RECORDS

    @applies @reading:mrd-threshold
    Scenario: Second remission with no minimal residual disease result is pended for it
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the leukemia is in its second complete remission
      And no minimal residual disease result is given
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are minimal residual disease
      And the decision rests on clause BND-RECORDS

    @applies @reading:which-remissions
    Scenario: Remission with minimal residual disease, but not which remission, is pended for it
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And which complete remission the leukemia is in is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are which complete remission
      And the decision rests on clause BND-RECORDS

    @applies @reading:consolidation-phase
    Scenario: Philadelphia chromosome-negative ALL in remission without its phase of chemotherapy is pended for it
      Given a request for an adult in first complete remission with Philadelphia chromosome-negative CD19-positive B-cell precursor ALL
      And the phase of chemotherapy is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are phase of chemotherapy
      And the decision rests on clause BND-RECORDS

    @applies
    Scenario: Consolidation with unstated Philadelphia chromosome status is pended for it
      Given a request for an adult in consolidation for CD19-positive B-cell precursor ALL
      And the Philadelphia chromosome status is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are Philadelphia chromosome status
      And the decision rests on clause BND-RECORDS

    @applies
    Scenario: Consolidation of newly diagnosed disease with unstated Philadelphia chromosome status is pended for it
      Given a request for an adult with newly diagnosed CD19-positive B-cell precursor ALL
      And blinatumomab is given in the consolidation phase of multiphase chemotherapy
      And the Philadelphia chromosome status is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are Philadelphia chromosome status
      And the decision rests on clause BND-RECORDS

    @applies @reading:records-clause
    Scenario: ALL with nothing stated but its code is pended for every fact at once
      Given a request for an adult with ALL and no further details
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage, disease status, CD19 status, which complete remission, minimal residual disease, Philadelphia chromosome status, phase of chemotherapy and compendia
      And the decision rests on clause BND-RECORDS

    @applies @reading:records-clause
    Scenario: Newly diagnosed CD19-positive ALL is pended for the two facts of the consolidation indication
      Given a request for an adult with ALL and no further details
      And the leukemia is of B-cell precursor lineage
      And the leukemic blasts express CD19
      And the disease status is newly diagnosed
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are Philadelphia chromosome status and phase of chemotherapy
      And the decision rests on clause BND-RECORDS

    @applies @reading:records-clause
    Scenario: Philadelphia chromosome-negative ALL of unstated status is pended for what each indication needs
      Given a request for an adult with CD19-positive B-cell precursor ALL coded as in relapse
      And the disease status is not stated
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are disease status, which complete remission, minimal residual disease and phase of chemotherapy
      And the decision rests on clause BND-RECORDS

    @applies @reading:records-clause
    Scenario: A letter of support does not supply CD19 expression
      Given a request for an adult with relapsed B-cell precursor ALL
      And whether the leukemic blasts express CD19 is not stated
      And no compendium lists the use
      And a letter of support is supplied
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are CD19 status
      And the decision rests on clause BND-RECORDS

    @applies @reading:records-clause
    Scenario: A letter of support does not supply a minimal residual disease result
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And no minimal residual disease result is given
      And a letter of support is supplied
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are minimal residual disease
      And the decision rests on clause BND-RECORDS

    @applies @reading:other-lymphoid-leukemia
    Scenario: Another lymphoid leukemia with no compendium evidence is pended for the compendia
      Given a request for an adult with relapsed other lymphoid leukemia
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are compendia
      And the decision rests on clause BND-RECORDS

    @applies @reading:icd-status-conflict
    Scenario: Relapse coded as ALL in remission is pended for what the remission reading needs
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the diagnosis is coded C91.01
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are disease status, which complete remission, minimal residual disease and phase of chemotherapy
      And the decision rests on clause BND-RECORDS

    @near-miss @reading:icd-status-conflict
    Scenario: Refractory disease coded as ALL in relapse is covered on either reading
      Given a request for a child with refractory CD19-positive B-cell precursor ALL
      And the diagnosis is coded C91.02
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @near-miss @reading:icd-status-conflict
    Scenario: First remission with residual disease coded as ALL in relapse rests on both readings' indications
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the diagnosis is coded C91.02
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clauses BND-RR-BALL and BND-MRD

    @near-miss @reading:records-clause
    Scenario: A complete request with a letter of support is decided on its facts
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And a letter of support is supplied
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @near-miss
    Scenario: Facts that cannot change the decision do not pend it
      Given a request for an adult with relapsed T-cell ALL
      And whether the leukemic blasts express CD19 is not stated
      And the Philadelphia chromosome status is not stated
      And the phase of chemotherapy is not stated
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:mrd-threshold
    Scenario: Relapsed disease needs no minimal residual disease result
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And no minimal residual disease result is given
      And the compendia are not stated
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @near-miss
    Scenario: NCCN support decides a request whose lineage and CD19 expression are not stated
      Given a request for an adult with relapsed ALL
      And the lineage is not stated
      And whether the leukemic blasts express CD19 is not stated
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

  @clause:BND-RECORDS
  Rule: An ALL code neither supplies a status nor outranks another ALL code

    @applies
    Scenario: Minimal residual disease in remission of unstated lineage is pended for the lineage
      Given a request for an adult in first complete remission with MRD-positive CD19-positive ALL
      And the lineage is not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause BND-RECORDS
      And the missing facts are lineage

    @applies @reading:icd-status-conflict
    Scenario Outline: An ALL code does not supply the disease status the request leaves out
      Given a request for an adult with CD19-positive B-cell precursor ALL
      And the disease status is not stated
      And the diagnosis is coded <code>
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause BND-RECORDS
      And the missing facts are disease status, which complete remission, minimal residual disease and phase of chemotherapy

      Examples:
        | code   |
        | C91.01 |
        | C91.02 |

    @applies @reading:several-all-codes
    Scenario: Relapsed ALL coded both in relapse and in remission is pended for the status
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the diagnosis is coded C91.02 and C91.01
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause BND-RECORDS
      And the missing facts are disease status, which complete remission, minimal residual disease and phase of chemotherapy

    @applies @reading:several-all-codes
    Scenario: Newly diagnosed ALL in induction coded both as not in remission and in relapse is pended for the status
      Given a request for an adult in induction for newly diagnosed CD19-positive B-cell precursor ALL
      And the diagnosis is coded C91.00 and C91.02
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the decision rests on clause BND-RECORDS
      And the missing facts are disease status

    @near-miss @reading:several-all-codes
    Scenario: ALL codes that disagree do not pend a use that NCCN support covers anyway
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the diagnosis is coded C91.02 and C91.01
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA
