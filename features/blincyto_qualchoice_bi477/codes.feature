@pack:blincyto_qualchoice_bi477
Feature: Codes Used in this BI
  The code list of QualChoice policy BI477: the policy governs blinatumomab (Blincyto) billed
  under J9039, one microgram per unit, effective 1 January 2016. A request for another drug, or
  billed without J9039, is outside the policy: no determination is made under it.

  @clause:QC-CODES
  Rule: The policy governs blinatumomab billed under J9039

    @applies @reading:drug-and-code
    Scenario Outline: Blinatumomab billed only under another code is outside the policy
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the drug is billed under <code>
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause QC-CODES

      Examples:
        | code  |
        | J9999 |
        | J3590 |
        | J9229 |

    @applies
    Scenario: A request that would be pended is outside the policy when billed without J9039
      Given a request for an adult with ALL not in remission
      And the drug is billed under J3490 and J9999
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause QC-CODES

    @applies @reading:outside-citations
    Scenario: A request billed without J9039 before the revision date still rests on the codes clause
      Given a request for an adult with ALL not in remission
      And the date of service is 2015-06-01
      And the drug is billed under J3490
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clauses QC-EFFECTIVE and QC-CODES

    @applies @reading:drug-and-code
    Scenario Outline: Another drug billed under J9039 is outside the policy
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the drug requested is <name>
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause QC-CODES

      Examples:
        | name                  |
        | inotuzumab ozogamicin |
        | rituximab             |

    @applies
    Scenario: Another drug for a disease that meets neither criterion is outside the policy, not denied
      Given a request for an adult with newly diagnosed Philadelphia chromosome-negative B-cell precursor ALL
      And the drug requested is besponsa
      When the engine decides the request
      Then the request is outside the policy
      And no determination is made
      And the decision rests on clause QC-CODES

    @near-miss @reading:drug-and-code
    Scenario: Blincyto by its brand name is decided under the policy
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the drug requested is Blincyto
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @near-miss @reading:drug-and-code
    Scenario: Blincyto by its brand name for a use that meets neither criterion is not covered
      Given a request for an adult with newly diagnosed Philadelphia chromosome-negative B-cell precursor ALL
      And the drug requested is Blincyto
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss @reading:drug-and-code
    Scenario: J9039 beside an unclassified code is enough
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy
      And the drug is billed under J9999 and J9039
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI

    @near-miss
    Scenario: J9039 listed first beside another code is enough for a request that lacks a fact
      Given a request for an adult with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      And the drug is billed under J9039 and J3590
      And the drug requested is blinatumomab
      When the engine decides the request
      Then the request is pended for more information
      And no determination is made
      And the missing facts are whether the disease is refractory to TKI therapy
      And the decision rests on clause QC-PRIOR-AUTH
