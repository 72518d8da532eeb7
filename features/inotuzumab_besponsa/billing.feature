@pack:inotuzumab_besponsa
Feature: Which requests the policy governs
  The applicable service codes of the section "Billing/Coding/Physician Documentation
  Information", and the dates from which the update log ("Policy Implementation/Update
  Information") counts a code as the policy's. A request the policy does not govern is outside
  the policy: no determination is made under it.

  @clause:INO-CODES
  Rule: The policy governs inotuzumab billed under one of its listed codes

    @applies
    Scenario Outline: Billed under any of the listed codes, the request comes under the policy
      Given a request for an adult with relapsed B-cell precursor ALL
      And the drug is billed under <code>
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

      Examples:
        | code  |
        | J3490 |
        | J3590 |
        | J9229 |
        | J9999 |
        | S0353 |
        | S0354 |

    @applies
    Scenario: One listed code among unlisted ones is enough
      Given a request for an adult with relapsed B-cell precursor ALL
      And the drug is billed under J9039 and J9229
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @near-miss
    Scenario Outline: Billed only under a code the policy does not list, the request is outside the policy
      Given a request for an adult with relapsed B-cell precursor ALL
      And the drug is billed under <code>
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause INO-CODES

      Examples:
        | code  |
        | J9039 |
        | J9299 |

    @applies @reading:drug-names
    Scenario Outline: The policy's drug under another of its names comes under the policy
      Given a request for an adult with relapsed B-cell precursor ALL
      And the drug requested is <name>
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

      Examples:
        | name                  |
        | inotuzumab ozogamicin |
        | inotuzumab            |
        | Besponsa              |

    @applies @reading:drug-names
    Scenario Outline: A request for the policy's drug under another name is pended like any other
      Given a request for an adult with relapsed ALL
      And the drug requested is <name>
      And the use is not within FDA labeling on the date of service
      And no compendium lists the use
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are lineage
      And the decision rests on clause INO-RECORDS

      Examples:
        | name       |
        | inotuzumab |
        | Besponsa   |

    @near-miss @reading:drug-names
    Scenario: A related antibody-drug conjugate billed under an unclassified code is outside the policy
      Given a request for an adult with relapsed B-cell precursor ALL
      And the drug requested is gemtuzumab ozogamicin
      And the drug is billed under J3590
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause INO-CODES

    @near-miss @reading:drug-names
    Scenario: Another drug billed under a listed code is outside the policy
      Given a request for an adult with relapsed B-cell precursor ALL
      And the drug requested is blinatumomab
      And the drug is billed under J9999
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause INO-CODES

  @clause:INO-CODE-DATES
  Rule: C9028 counts for dates of service in 2018 only, and J9229 from 1 January 2019

    @applies @reading:code-not-valid-on-date
    Scenario: C9028 on the last day of 2018 is one of the policy's codes
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2018-12-31
      And the drug is billed under C9028
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies
    Scenario: C9028 on the first day of 2018 is one of the policy's codes
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2018-01-01
      And the drug is billed under C9028
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @near-miss @reading:code-not-valid-on-date
    Scenario: C9028 on the first day of 2019 is no longer the policy's code
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2019-01-01
      And the drug is billed under C9028
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses INO-CODES and INO-CODE-DATES

    @near-miss @reading:code-not-valid-on-date
    Scenario: C9028 before 2018 is not yet the policy's code
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2017-12-29
      And the drug is billed under C9028
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses INO-CODES and INO-CODE-DATES

    @applies
    Scenario: J9229 on the first day of 2019 is one of the policy's codes
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2019-01-01
      And the drug is billed under J9229
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies
    Scenario: J9229 on the first day of 2019 brings a use outside cancer under the policy
      Given a request for an adult with rheumatoid arthritis
      And the condition is not a cancer
      And the date of service is 2019-01-01
      And the drug is billed under J9229
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-NONCANCER and INO-NOT-MET

    @near-miss @reading:code-not-valid-on-date
    Scenario: C9028 on the first day of 2019 beside an unlisted code is outside the policy
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2019-01-01
      And the drug is billed under C9028 and J9039
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses INO-CODES and INO-CODE-DATES

    @applies
    Scenario: J9229 long after 2019 is still one of the policy's codes
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2031-07-01
      And the drug is billed under J9229
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @near-miss @reading:code-not-valid-on-date
    Scenario: J9229 on the last day of 2018 is not yet the policy's code
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2018-12-31
      And the drug is billed under J9229
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses INO-CODES and INO-CODE-DATES

    @applies @reading:code-not-valid-on-date
    Scenario: An expired C9028 beside a listed unclassified code still comes under the policy
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2019-03-01
      And the drug is billed under C9028 and J9999
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause INO-RR-BALL

    @applies
    Scenario: C9028 in mid-2017 is not yet the policy's code
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2017-06-15
      And the drug is billed under C9028
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses INO-CODES and INO-CODE-DATES

    @applies
    Scenario: J9229 in mid-2018 is not yet the policy's code
      Given a request for an adult with relapsed B-cell precursor ALL
      And the date of service is 2018-06-15
      And the drug is billed under J9229
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses INO-CODES and INO-CODE-DATES

  @clause:INO-CODES
  Rule: Each listed code on its own brings any use under the policy

    @applies
    Scenario Outline: Each listed code alone brings a use outside cancer under the policy
      Given a request for an adult with rheumatoid arthritis
      And the condition is not a cancer
      And the drug is billed under <code>
      When the engine decides the request
      Then the request is not covered
      And the determination is investigational
      And the decision rests on clauses INO-INV-NONCANCER and INO-NOT-MET

      Examples:
        | code  |
        | J3490 |
        | J3590 |
        | J9999 |
        | S0353 |
        | S0354 |
