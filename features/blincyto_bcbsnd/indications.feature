@pack:blincyto_bcbsnd
Feature: Criteria
  The three indications the section "Criteria" lists for blinatumomab, and the age from which
  they apply. Each rule is one clause of the pack's catalogue (clauses.yaml). Scenarios tagged
  "applies" show the clause deciding a request; scenarios tagged "near-miss" show a request that
  just misses it. Tags starting "reading" mark how the kit reads a sentence whose meaning is
  open; the catalogue explains each reading.

  @clause:BND-RR-BALL
  Rule: Relapsed or refractory CD19-positive B-cell precursor ALL is medically necessary

    @applies
    Scenario: An adult with relapsed CD19-positive B-cell precursor ALL is covered
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @applies
    Scenario: A child with refractory CD19-positive B-cell precursor ALL is covered
      Given a request for a child with refractory CD19-positive B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @applies
    Scenario: Refractory disease in an adult is covered whatever the Philadelphia chromosome
      Given a request for an adult with CD19-positive B-cell precursor ALL
      And the disease status is refractory
      And the diagnosis is coded C91.00
      And the leukemia is Philadelphia chromosome-positive
      And no compendium lists the use
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @near-miss @reading:cd19-required
    Scenario: Relapsed B-cell precursor ALL whose blasts do not express CD19 is not covered
      Given a request for an adult with relapsed B-cell precursor ALL
      And the leukemic blasts do not express CD19
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss
    Scenario: Relapsed T-cell ALL is not a listed indication
      Given a request for an adult with relapsed T-cell ALL
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:other-lymphoid-leukemia
    Scenario: Another lymphoid leukemia of B-cell precursor lineage is not the listed ALL
      Given a request for an adult with relapsed other lymphoid leukemia
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

  @clause:BND-MRD
  Rule: CD19-positive B-cell precursor ALL in first or second complete remission with MRD of 0.1% or more is medically necessary

    @applies
    Scenario: First complete remission with minimal residual disease of 0.5% is covered
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-MRD

    @applies @reading:mrd-threshold
    Scenario: Minimal residual disease of exactly 0.1% in first remission is covered
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And minimal residual disease measures 0.1%
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-MRD

    @applies @reading:mrd-threshold @reading:which-remissions
    Scenario: Minimal residual disease of exactly 0.1% in second remission is covered
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the leukemia is in its second complete remission
      And minimal residual disease measures 0.1%
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-MRD

    @applies @reading:which-remissions
    Scenario: A second complete remission with minimal residual disease of 2% is covered
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the leukemia is in its second complete remission
      And minimal residual disease measures 2%
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-MRD

    @near-miss @reading:mrd-threshold
    Scenario: Minimal residual disease of 0.09% in first remission is not covered
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And minimal residual disease measures 0.09%
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:mrd-threshold
    Scenario: Minimal residual disease of 0.09% in second remission is not covered
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the leukemia is in its second complete remission
      And minimal residual disease measures 0.09%
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:which-remissions
    Scenario: A third complete remission with minimal residual disease is not covered
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the leukemia is in its third complete remission
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:which-remissions
    Scenario: A fourth complete remission with minimal residual disease of 1% is not covered
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the leukemia is in its fourth complete remission
      And minimal residual disease measures 1%
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:cd19-required
    Scenario: Minimal residual disease in remission without CD19 expression is not covered
      Given a request for an adult in first complete remission with MRD-positive B-cell precursor ALL
      And the leukemic blasts do not express CD19
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

  @clause:BND-CONSOLIDATION
  Rule: CD19-positive Philadelphia chromosome-negative B-cell precursor ALL in consolidation is medically necessary

    @applies @reading:consolidation-phase
    Scenario: Consolidation with no measurable residual disease is covered
      Given a request for an adult in consolidation for Philadelphia chromosome-negative CD19-positive B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-CONSOLIDATION

    @applies @reading:consolidation-phase
    Scenario: Consolidation of newly diagnosed disease is covered whatever the disease status
      Given a request for an adult with newly diagnosed CD19-positive B-cell precursor ALL
      And blinatumomab is given in the consolidation phase of multiphase chemotherapy
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-CONSOLIDATION

    @applies
    Scenario: Consolidation in first remission with minimal residual disease rests on two indications
      Given a request for an adult in consolidation for Philadelphia chromosome-negative CD19-positive B-cell precursor ALL
      And minimal residual disease measures 0.3%
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clauses BND-MRD and BND-CONSOLIDATION

    @near-miss
    Scenario: Consolidation of Philadelphia chromosome-positive disease is not covered
      Given a request for an adult in consolidation for CD19-positive B-cell precursor ALL
      And the leukemia is Philadelphia chromosome-positive
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss
    Scenario: Consolidation of newly diagnosed Philadelphia chromosome-positive disease is not covered
      Given a request for an adult with newly diagnosed CD19-positive B-cell precursor ALL
      And blinatumomab is given in the consolidation phase of multiphase chemotherapy
      And the leukemia is Philadelphia chromosome-positive
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:consolidation-phase
    Scenario: Induction of newly diagnosed disease is not a listed indication
      Given a request for an adult in induction for newly diagnosed CD19-positive B-cell precursor ALL
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:consolidation-phase
    Scenario: Blinatumomab given in the maintenance phase is not covered
      Given a request for an adult in first complete remission with Philadelphia chromosome-negative CD19-positive B-cell precursor ALL
      And blinatumomab is given in the maintenance phase of multiphase chemotherapy
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:consolidation-phase
    Scenario: Blinatumomab given outside multiphase chemotherapy is not covered
      Given a request for an adult in first complete remission with Philadelphia chromosome-negative CD19-positive B-cell precursor ALL
      And blinatumomab is given outside multiphase chemotherapy
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:cd19-required
    Scenario: Consolidation of disease whose blasts do not express CD19 is not covered
      Given a request for an adult in consolidation for Philadelphia chromosome-negative B-cell precursor ALL
      And the leukemic blasts do not express CD19
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

  @clause:BND-AGE
  Rule: The listed indications apply from one month of age

    @applies @reading:age-in-months
    Scenario: An infant one day short of one month old is not covered for relapsed ALL
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-03-15
      And the date of service is 2025-04-14
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE and BND-INVESTIGATIONAL

    @near-miss @reading:age-in-months
    Scenario: An infant one month old that day is covered for relapsed ALL
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-03-15
      And the date of service is 2025-04-15
      And no compendium lists the use
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @applies @reading:age-in-months
    Scenario: An infant born on 31 January is not one month old on 27 February
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-01-31
      And the date of service is 2025-02-27
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE and BND-INVESTIGATIONAL

    @near-miss @reading:age-in-months
    Scenario: An infant born on 31 January is one month old on 28 February
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-01-31
      And the date of service is 2025-02-28
      And no compendium lists the use
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @applies @reading:age-in-months
    Scenario: An infant born on 31 January of a leap year is not one month old on 28 February
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2024-01-31
      And the date of service is 2024-02-28
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE and BND-INVESTIGATIONAL

    @near-miss @reading:age-in-months
    Scenario: An infant born on 31 January of a leap year is one month old on 29 February
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2024-01-31
      And the date of service is 2024-02-29
      And no compendium lists the use
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

    @applies
    Scenario: A two-week-old in first remission with minimal residual disease is not covered
      Given a request for an infant in first complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the member was born on 2025-03-19
      And the date of service is 2025-04-02
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE and BND-INVESTIGATIONAL

    @applies @reading:age-floor-scope
    Scenario: An infant under one month is pended for the compendia, which have no age floor
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-03-15
      And the date of service is 2025-04-01
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are compendia
      And the decision rests on clause BND-RECORDS

    @near-miss @reading:age-floor-scope
    Scenario: An infant under one month whose use NCCN rates category 2A is covered
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-03-15
      And the date of service is 2025-04-01
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

    @applies @reading:age-in-months
    Scenario: An infant born on 20 December is not one month old on 19 January
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-12-20
      And the date of service is 2026-01-19
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE and BND-INVESTIGATIONAL

    @near-miss @reading:age-in-months
    Scenario: An infant born on 20 December is one month old on 20 January
      Given a request for an infant with relapsed CD19-positive B-cell precursor ALL
      And the member was born on 2025-12-20
      And the date of service is 2026-01-20
      And no compendium lists the use
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-RR-BALL

  @clause:BND-MRD
  Rule: The minimal residual disease indication holds for B-cell precursor ALL only

    @near-miss
    Scenario Outline: Minimal residual disease in remission of another lineage is not covered
      Given a request for an adult in first complete remission with MRD-positive CD19-positive ALL
      And the leukemia is of <lineage> lineage
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

      Examples:
        | lineage         |
        | T-cell          |
        | mixed phenotype |

    @near-miss
    Scenario Outline: Minimal residual disease in remission of another lymphoid leukemia is not covered
      Given a request for an adult in first complete remission with MRD-positive CD19-positive B-cell precursor leukemia
      And the condition treated is other lymphoid leukemia, coded C91.Z1
      And minimal residual disease measures <percent>%
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

      Examples:
        | percent |
        | 0.5     |
        | 2       |

  @clause:BND-AGE
  Rule: A birth date after the date of service is taken as stated

    @applies @reading:born-after-service
    Scenario: A member recorded as born after the date of service is not one month old for the listed uses
      Given a request for a member born after the date of service, with relapsed CD19-positive B-cell precursor ALL
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-AGE and BND-INVESTIGATIONAL

    @near-miss @reading:born-after-service
    Scenario: A member recorded as born after the date of service is covered by NCCN support, which has no age floor
      Given a request for a member born after the date of service, with relapsed CD19-positive B-cell precursor ALL
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA
