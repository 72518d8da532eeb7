@pack:blincyto_bcbsnd
Feature: Procedure Code
  The section "Procedure Code": the policy governs blinatumomab billed under J9039, and lists the
  diagnosis codes J9039 is covered with. A request the policy does not govern is outside it (no
  determination); a request within it that carries none of the covered diagnosis codes is a use
  the policy does not list.

  @clause:BND-CODES
  Rule: The policy governs blinatumomab billed under J9039

    @applies @reading:drug-names-and-code
    Scenario: Blinatumomab billed under an unclassified drug code is outside the policy
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the drug is billed under J9999
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause BND-CODES

    @applies @reading:drug-names-and-code
    Scenario: Blinatumomab billed under J3490 and J3590 is outside the policy
      Given a request for a child with refractory CD19-positive B-cell precursor ALL
      And the drug is billed under J3490 and J3590
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause BND-CODES

    @applies @reading:drug-names-and-code
    Scenario: Another drug billed under J9039 is outside the policy
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the drug requested is inotuzumab ozogamicin
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause BND-CODES

    @applies
    Scenario: Another drug for a use the policy does not list is outside the policy, not denied
      Given a request for an adult with relapsed T-cell ALL
      And the drug requested is tisagenlecleucel
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause BND-CODES

    @near-miss @reading:drug-names-and-code
    Scenario: Blincyto is the policy's drug
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the drug requested is Blincyto
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @near-miss @reading:drug-names-and-code
    Scenario: J9039 among other codes is enough
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the drug is billed under J3490, J9039 and J9999
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @near-miss @reading:version-b-undated
    Scenario: A date of service years back is decided by version B
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the date of service is 2016-01-04
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

  @clause:BND-DX-CODES
  Rule: J9039 is covered only with one of the listed diagnosis codes

    @applies @reading:covered-diagnosis-codes
    Scenario: Relapsed B-cell lymphoblastic lymphoma is not covered, though within the policy
      Given a request for an adult with relapsed B-cell lymphoblastic lymphoma
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-DX-CODES and BND-INVESTIGATIONAL

    @applies @reading:covered-diagnosis-codes
    Scenario: A condition that is not a cancer is not covered, whatever else is stated
      Given a request for an adult with rheumatoid arthritis
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-DX-CODES and BND-INVESTIGATIONAL

    @applies @reading:covered-diagnosis-codes
    Scenario: NCCN category 2B does not make up for an unlisted diagnosis code
      Given a request for an adult with relapsed B-cell lymphoblastic lymphoma
      And NCCN rates the use category 2B
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-DX-CODES and BND-INVESTIGATIONAL

    @applies @reading:covered-diagnosis-codes
    Scenario: An infant under one month with lymphoblastic lymphoma is not covered on both limits
      Given a request for an infant with relapsed B-cell lymphoblastic lymphoma
      And the member was born on 2025-07-20
      And the date of service is 2025-08-04
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE, BND-DX-CODES and BND-INVESTIGATIONAL

    @near-miss @reading:covered-diagnosis-codes
    Scenario: Lymphoblastic lymphoma coded beside relapsed ALL carries a covered code
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And the diagnosis is coded C83.50 and C91.02
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @near-miss @reading:other-lymphoid-leukemia
    Scenario Outline: Each other lymphoid leukemia code is a covered diagnosis code
      Given a request for an adult with relapsed other lymphoid leukemia
      And the diagnosis is coded <code>
      And NCCN rates the use category 2B
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

      Examples:
        | code   |
        | C91.Z0 |
        | C91.Z1 |
        | C91.Z2 |

    @near-miss @reading:other-lymphoid-leukemia
    Scenario Outline: Another lymphoid leukemia code without compendium support is investigational, not outside the codes
      Given a request for an adult with relapsed other lymphoid leukemia
      And the diagnosis is coded <code>
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

      Examples:
        | code   |
        | C91.Z0 |
        | C91.Z1 |
        | C91.Z2 |
