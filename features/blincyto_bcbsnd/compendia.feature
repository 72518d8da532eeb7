@pack:blincyto_bcbsnd
Feature: Compendia Sources
  The section "Compendia Sources": beyond the listed indications, blinatumomab may be medically
  necessary for a use a current NCCN recommendation places in category 1, 2A or 2B. Scenarios
  tagged "applies" show the clause deciding a request; scenarios tagged "near-miss" show a
  request that just misses it.

  @clause:BND-COMPENDIA
  Rule: A use NCCN rates category 1, 2A or 2B is medically necessary

    @applies @reading:nccn-categories
    Scenario Outline: An NCCN rating of category 1, 2A or 2B covers another lymphoid leukemia
      Given a request for an adult with relapsed other lymphoid leukemia
      And NCCN rates the use <rating>
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

      Examples:
        | rating      |
        | category 1  |
        | category 2A |
        | category 2B |

    @applies @reading:nccn-categories
    Scenario: NCCN category 2B covers relapsed T-cell ALL
      Given a request for an adult with relapsed T-cell ALL
      And NCCN rates the use category 2B
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

    @applies @reading:cd19-required
    Scenario: NCCN support covers relapsed disease whose blasts do not express CD19
      Given a request for an adult with relapsed B-cell precursor ALL
      And the leukemic blasts do not express CD19
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

    @applies
    Scenario: Relapsed CD19-positive ALL that NCCN also rates category 1 rests on both routes
      Given a request for an adult with relapsed CD19-positive B-cell precursor ALL
      And NCCN rates the use category 1
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clauses BND-RR-BALL and BND-COMPENDIA

    @applies @reading:which-remissions
    Scenario: NCCN category 2B covers a third complete remission with minimal residual disease
      Given a request for an adult in complete remission with MRD-positive CD19-positive B-cell precursor ALL
      And the leukemia is in its third complete remission
      And NCCN rates the use category 2B
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause BND-COMPENDIA

    @near-miss @reading:nccn-categories
    Scenario: NCCN category 3 does not cover another lymphoid leukemia
      Given a request for an adult with relapsed other lymphoid leukemia
      And NCCN rates the use category 3
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:nccn-categories
    Scenario: NCCN category 3 does not cover relapsed T-cell ALL
      Given a request for an adult with relapsed T-cell ALL
      And NCCN rates the use category 3
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:nccn-categories
    Scenario Outline: Another compendium's rating does not meet the route
      Given a request for an adult with relapsed other lymphoid leukemia
      And <compendium> rates the use <rating>
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

      Examples:
        | compendium            | rating           |
        | Micromedex DrugDex    | class I          |
        | Lexi-Drugs            | evidence level A |
        | AHFS-DI               | supportive       |
        | Clinical Pharmacology | supportive       |

    @near-miss @reading:nccn-categories
    Scenario: A strong DrugDex rating does not cover relapsed T-cell ALL
      Given a request for an adult with relapsed T-cell ALL
      And Micromedex DrugDex rates the use class IIa
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause BND-INVESTIGATIONAL

    @near-miss @reading:covered-diagnosis-codes
    Scenario: NCCN category 2A does not cover lymphoblastic lymphoma, whose code is not listed
      Given a request for an adult with relapsed B-cell lymphoblastic lymphoma
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-DX-CODES and BND-INVESTIGATIONAL

    @near-miss @reading:covered-diagnosis-codes
    Scenario: NCCN category 1 does not cover a condition outside the covered diagnosis codes
      Given a request for an adult with rheumatoid arthritis
      And NCCN rates the use category 1
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses BND-DX-CODES and BND-INVESTIGATIONAL
