@pack:inotuzumab_besponsa
Feature: When Inotuzumab (Besponsa) is not covered
  The policy section "When Inotuzumab (Besponsa) is not covered": uses that meet no coverage
  criterion, and the uses the policy calls investigational. The reading nmn-or-investigational
  settles which single determination a not-covered decision carries. Every not-covered decision
  rests on INO-NOT-MET, and on the investigational clause that holds whatever the request leaves
  unstated.

  @clause:INO-INV-NONCANCER
  Rule: A use for a condition that is not a cancer is investigational

    @applies
    Scenario Outline: Treating a condition that is not a cancer is investigational
      Given a request for an adult with a condition that is not a cancer
      And the condition is not a cancer
      And the condition treated is <condition>, coded <code>
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-NONCANCER and INO-NOT-MET

      Examples:
        | condition                          | code  |
        | rheumatoid arthritis               | M06.9 |
        | immune thrombocytopenic purpura    | D69.3 |
        | systemic lupus erythematosus       | M32.9 |

    @applies
    Scenario: A non-cancer use is investigational whatever the labeling and compendia say
      Given a request for an adult with rheumatoid arthritis
      And the condition is not a cancer
      And the use is within FDA labeling on the date of service, with clinical benefit established
      And NCCN rates the use category 1
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-NONCANCER and INO-NOT-MET

    @near-miss
    Scenario: A cancer use with strong compendium support is not investigational
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And Micromedex DrugDex rates the use class I
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA

  @clause:INO-INV-UNSUPPORTED
  Rule: A cancer use with neither FDA labeling nor strong compendium support is investigational

    @applies
    Scenario: Relapsed diffuse large B-cell lymphoma without support is investigational
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

    @applies
    Scenario Outline: Other lymphomas without support are investigational
      Given a request for an adult with a relapsed lymphoma
      And the condition is a cancer
      And the condition treated is <lymphoma>, coded <code>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

      Examples:
        | lymphoma                | code   |
        | lymphoblastic lymphoma  | C83.50 |
        | Burkitt lymphoma        | C83.70 |
        | mantle cell lymphoma    | C83.10 |

    @near-miss
    Scenario: A cancer use within FDA labeling with established benefit is not investigational
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is within FDA labeling on the date of service, with clinical benefit established
      And no compendium lists the use
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-FDA-LABEL

  @clause:INO-NOT-MET
  Rule: When no criterion is met the drug is not medically necessary and not covered

    @applies @reading:nmn-or-investigational
    Scenario: A hypothetical labeled cancer use without established benefit is not medically necessary
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, but clinical benefit is not established
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause INO-NOT-MET

    @applies @reading:nmn-or-investigational
    Scenario: An unsupported cancer use is not covered and called investigational
      Given a request for an adult with relapsed diffuse large B-cell lymphoma
      And the condition is a cancer
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-UNSUPPORTED and INO-NOT-MET

    @applies @reading:nmn-or-investigational
    Scenario: A non-cancer use is not covered and called investigational
      Given a request for an adult with rheumatoid arthritis
      And the condition is not a cancer
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-NONCANCER and INO-NOT-MET

    @applies @reading:unknown-cancer-investigational
    Scenario: An unsupported use is investigational whether or not the condition is a cancer
      Given a request for an adult with rheumatoid arthritis
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clause INO-NOT-MET

    @near-miss @reading:nmn-or-investigational
    Scenario: A hypothetical labeled use without established benefit is covered when a compendium strongly supports it
      Given a request for an older adult with newly diagnosed B-cell precursor ALL
      And the use is within FDA labeling on the date of service, but clinical benefit is not established
      And NCCN rates the use category 2A
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-COMPENDIA
