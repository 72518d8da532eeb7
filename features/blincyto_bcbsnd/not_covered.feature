@pack:blincyto_bcbsnd
Feature: Criteria: all other indications
  The closing sentence of the "Criteria" section: any use the policy does not list is
  experimental or investigational and not covered. This policy has no "not medically necessary"
  wording, so every request that meets no route is investigational. Scenarios tagged "applies"
  show the clause deciding a request; scenarios tagged "near-miss" show a request that just
  misses it.

  @clause:BND-INVESTIGATIONAL
  Rule: Every use the policy does not list is investigational and not covered

    @applies @reading:all-other-investigational
    Scenario: Frontline induction with no NCCN listing is investigational
      Given a request for an adult in induction for newly diagnosed CD19-positive B-cell precursor ALL
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @applies @reading:all-other-investigational
    Scenario: B-cell precursor ALL in remission without measurable residual disease is investigational
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And minimal residual disease measures 0%
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @applies @reading:all-other-investigational
    Scenario: Relapsed ALL of mixed phenotype lineage is investigational
      Given a request for an adult with relapsed CD19-positive ALL
      And the leukemia is of mixed phenotype lineage
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @applies @reading:all-other-investigational
    Scenario: Relapsed T-cell ALL in a two-week-old also rests on the age floor
      Given a request for an infant with relapsed T-cell ALL
      And the member was born on 2025-02-24
      And the date of service is 2025-03-10
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE and BND-INVESTIGATIONAL

    @near-miss
    Scenario: A use NCCN rates category 2B is not investigational
      Given a request for an adult in induction for newly diagnosed CD19-positive B-cell precursor ALL
      And NCCN rates the use category 2B
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

    @near-miss @reading:records-clause
    Scenario: A use not shown to be unlisted is pended rather than called investigational
      Given a request for an adult in induction for newly diagnosed CD19-positive B-cell precursor ALL
      And the compendia are not stated
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are compendia
      And the decision rests on clause BND-RECORDS
