@pack:inotuzumab_besponsa
Feature: When Inotuzumab (Besponsa) is covered
  The coverage criteria of the policy section "When Inotuzumab (Besponsa) is covered", as
  qualified by its Policy Guidelines. Each rule is one clause of the pack's catalogue
  (clauses.yaml). Scenarios tagged "applies" show the clause deciding a request; scenarios tagged
  "near-miss" show a request that just misses it. Tags starting "reading" mark how the kit reads
  a sentence whose meaning is open; the catalogue explains each reading.

  @clause:INO-RR-BALL
  Rule: Relapsed or refractory B-cell precursor ALL is medically necessary

    @applies
    Scenario: An adult with relapsed B-cell precursor ALL is covered
      Given a request for an adult with relapsed B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies
    Scenario: An adult with refractory B-cell precursor ALL is covered
      Given a request for an adult with refractory B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies @reading:adults-or-patients
    Scenario: A child with relapsed B-cell precursor ALL is covered before the 2024 pediatric label
      Given a request for a child with relapsed B-cell precursor ALL
      And the date of service is 2020-06-15
      And the member is 10 years old on the date of service
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies @reading:adults-or-patients
    Scenario: A young child with refractory B-cell precursor ALL is covered after the 2024 pediatric label
      Given a request for a child with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the disease status is refractory
      And the date of service is 2024-06-03
      And the member is 3 years old on the date of service
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies @reading:cd22-status
    Scenario: Relapsed B-cell precursor ALL with CD22-negative blasts is covered
      Given a request for an adult with relapsed B-cell precursor ALL
      And the leukemic blasts are CD22-negative
      And the leukemia is Philadelphia chromosome-positive
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies @reading:all-is-a-cancer
    Scenario: Relapsed ALL of B-cell precursor lineage is covered without saying it is a cancer
      Given a request for an adult with relapsed ALL
      And the leukemia is of B-cell precursor lineage
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies
    Scenario: Relapsed B-cell precursor ALL that also meets the other routes rests on all three
      Given a request for an adult with relapsed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, with clinical benefit established
      And NCCN rates the use category 1
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clauses INO-RR-BALL, INO-FDA-LABEL and INO-COMPENDIA

    @applies @reading:cd22-status
    Scenario: Refractory B-cell precursor ALL with CD22-negative blasts is covered
      Given a request for an adult with refractory B-cell precursor ALL
      And the leukemic blasts are CD22-negative
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @near-miss
    Scenario: Relapsed T-cell ALL is not the primary indication
      Given a request for an adult with relapsed ALL
      And the leukemia is of T-cell lineage
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

    @near-miss @reading:own-diseases
    Scenario: Relapsed mixed-phenotype acute leukemia is not the primary indication
      Given a request for an adult with relapsed mixed-phenotype acute leukemia
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

    @near-miss @reading:own-diseases
    Scenario: Relapsed B-cell lymphoblastic lymphoma is not the primary indication
      Given a request for an adult with relapsed B-cell lymphoblastic lymphoma
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

    @near-miss
    Scenario Outline: B-cell precursor ALL that is neither relapsed nor refractory is not the primary indication
      Given a request for an adult with ALL not in remission
      And the leukemia is of B-cell precursor lineage
      And the disease status is <status>
      And the diagnosis is coded <code>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

      Examples:
        | status          | code   |
        | newly diagnosed | C91.00 |
        | in remission    | C91.01 |

  @clause:INO-FDA-LABEL
  Rule: Another cancer use within FDA labeling, with clinical benefit established, may be medically necessary

    @applies @reading:fda-label-by-date
    Scenario: A hypothetical labeled frontline use with established benefit is covered
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, with clinical benefit established
      And no compendium lists the use
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-FDA-LABEL

    @applies @reading:fda-label-by-date
    Scenario: The engine takes a hypothetical labeled use for lymphoma as the request states it
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is within FDA labeling on the date of service, with clinical benefit established
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-FDA-LABEL

    @applies
    Scenario: A hypothetical labeled lymphoma use that a compendium also supports rests on both routes
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is within FDA labeling on the date of service, with clinical benefit established
      And Lexi-Drugs rates the use evidence level A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clauses INO-FDA-LABEL and INO-COMPENDIA

    @near-miss
    Scenario: A frontline use outside FDA labeling with no compendium listing is not covered
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

    @near-miss @reading:nmn-or-investigational
    Scenario: A hypothetical labeled use whose clinical benefit is not established is not covered
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, but clinical benefit is not established
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause INO-NOT-MET

  @clause:INO-COMPENDIA
  Rule: Another cancer use strongly supported by a recognised compendium may be medically necessary

    @applies @reading:strong-compendia-ratings
    Scenario Outline: A strong rating from one compendium is enough
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And <compendium> rates the use <rating>
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA

      Examples:
        | compendium            | rating           |
        | NCCN                  | category 1       |
        | NCCN                  | category 2A      |
        | Micromedex DrugDex    | class I          |
        | Micromedex DrugDex    | class IIa        |
        | AHFS-DI               | supportive       |
        | Clinical Pharmacology | supportive       |
        | Lexi-Drugs            | evidence level A |

    @applies
    Scenario: Strong compendium support covers a use whose labeling is not stated
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA

    @near-miss @reading:strong-compendia-ratings
    Scenario Outline: A weaker or contrary rating is not strong support
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And <compendium> rates the use <rating>
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

      Examples:
        | compendium            | rating           |
        | NCCN                  | category 2B      |
        | NCCN                  | category 3       |
        | Micromedex DrugDex    | class IIb        |
        | Micromedex DrugDex    | class III        |
        | AHFS-DI               | not supportive   |
        | Clinical Pharmacology | not supportive   |
        | Lexi-Drugs            | evidence level B |
        | Lexi-Drugs            | evidence level C |
        | Lexi-Drugs            | unsupported      |

    @applies @reading:conflicting-compendia
    Scenario Outline: A contrary rating elsewhere does not defeat strong support
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And NCCN rates the use category 2A
      And <compendium> rates the use <rating>
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA

      Examples:
        | compendium            | rating         |
        | Micromedex DrugDex    | class III      |
        | Lexi-Drugs            | unsupported    |
        | Clinical Pharmacology | not supportive |

    @near-miss @reading:conflicting-compendia
    Scenario: Several weak ratings do not add up to strong support
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And NCCN rates the use category 2B
      And Micromedex DrugDex rates the use class IIb
      And Lexi-Drugs rates the use evidence level B
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET
