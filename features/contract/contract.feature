@pack:contract
Feature: The case/decision contract
  Behaviour every engine owes the kit whatever the policy: it echoes the case id, answers in the
  contract's shape, names the policy it applied, rejects what it cannot read and answers the same
  case the same way twice. The contract's schemas are in contract/.

  Every scenario here runs once with the requests of each policy pack the engine implements: each
  pack's fixtures hold "a case the policy covers", "a case the policy pends for more information",
  "a case the policy does not cover" and "a case outside the policy", so an engine of any policy is
  sent malformed cases of its own policy.

  @clause:CON-ECHO-ID
  Rule: A decision echoes the case id unchanged

    @applies
    Scenario: An unusual but valid case id comes back unchanged
      Given a request for a case the policy covers
      And the request's case id is "ACME.2020-06-15:000123-b"
      When the engine decides the request
      Then the decision echoes the request's case id

    @near-miss
    Scenario: Two requests that differ only in case id each get their own id back
      Given a request for a case the policy covers
      When the engine decides the request, then the same request with case id "second-of-two"
      Then the decisions echo "the request's case id" and "second-of-two" in turn

  @clause:CON-VALID-DECISION
  Rule: Every decision conforms to the decision schema

    @applies
    Scenario Outline: The decision for each kind of request conforms to the contract
      Given a request for <request>
      When the engine decides the request
      Then the decision conforms to the contract

      Examples:
        | request                                        |
        | a case the policy covers                       |
        | a case the policy does not cover               |
        | a case the policy pends for more information   |
        | a case outside the policy                      |

  @clause:CON-POLICY
  Rule: A decision names the policy and version it applied

    @applies
    Scenario: A covered decision names the policy and version of its request
      Given a request for a case the policy covers
      When the engine decides the request
      Then the decision names the request's policy and the version the pack encodes

    @applies
    Scenario: A decision outside the policy still names the policy it checked
      Given a request for a case outside the policy
      When the engine decides the request
      Then the decision names the request's policy and the version the pack encodes

  @clause:CON-REJECT-MALFORMED
  Rule: A malformed case is rejected, not decided
    Only the kind of answer is graded: a rejection, not a decision. What the rejection says
    about the defect is for people and is never compared.

    @applies
    Scenario Outline: A request with a defect is rejected
      Given a request for a case the policy covers
      And the request is malformed by <defect>
      When the engine is sent the malformed request
      Then the engine rejects the request

      Examples:
        | defect                                  |
        | no date of service                      |
        | an impossible date of service           |
        | an unknown field                        |
        | zero billing units                      |
        | billing units written as text           |
        | a diagnosis code that is not ICD-10-CM  |
        | an unknown compendium rating            |
        | a date of service in the year 0         |
        | a birth date before 1900                |
        | a date of service after 2199            |
        | an ALL code beside another disease      |
        | ALL said not to be a cancer             |
        | ALL without an ALL diagnosis code       |

    @near-miss
    Scenario: A well-formed request is decided, not rejected
      Given a request for a case the policy covers
      When the engine is sent the request
      Then the engine answers with a decision, not a rejection

    @near-miss
    Scenario: Dates at the edges of the contract's range are well formed
      Given a request for a case the policy covers
      And the member was born on 1900-01-01
      And the date of service is 2199-12-31
      When the engine is sent the request
      Then the engine answers with a decision, not a rejection

  @clause:CON-DETERMINISTIC
  Rule: The same case twice gets the same decision
    Every scenario that has the engine decide a request also sends it twice more, once again
    and once with its keys reordered under another case id; a difference fails this clause.

    @applies
    Scenario: A covered request decided five times gets the same decision
      Given a request for a case the policy covers
      When the engine decides the request five times
      Then the decisions are the same

    @applies
    Scenario: A pended request decided five times gets the same decision
      Given a request for a case the policy pends for more information
      When the engine decides the request five times
      Then the decisions are the same

  @clause:CON-CITES-CATALOGUE
  Rule: Every clause a decision cites is in the catalogue

    @applies
    Scenario Outline: The clauses cited for each kind of request are all in the catalogue
      Given a request for <request>
      When the engine decides the request
      Then every clause the decision cites is in the policy's catalogue

      Examples:
        | request                                        |
        | a case the policy covers                       |
        | a case the policy does not cover               |
        | a case the policy pends for more information   |
        | a case outside the policy                      |
