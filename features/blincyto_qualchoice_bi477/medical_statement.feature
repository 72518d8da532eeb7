@pack:blincyto_qualchoice_bi477
Feature: Medical Statement
  The two criteria of the section "Medical Statement" of QualChoice policy BI477, and what
  follows for a request that meets neither. The policy has no compendium route, no labeling route
  and no investigational wording: a request that meets neither criterion is not medically
  necessary. Age is not a criterion.

  @clause:QC-PH-NEG-RR
  Rule: Philadelphia chromosome-negative relapsed or refractory B-cell precursor ALL is medically necessary

    @applies
    Scenario: An adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL is covered
      Given a request for an adult with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @applies
    Scenario: An adult with refractory Philadelphia chromosome-negative B-cell precursor ALL is covered
      Given a request for an adult with refractory Philadelphia chromosome-negative B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @applies @reading:no-age-limit
    Scenario: A child with relapsed Philadelphia chromosome-negative B-cell precursor ALL is covered
      Given a request for a child with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @applies @reading:no-age-limit
    Scenario: A one-year-old with refractory Philadelphia chromosome-negative B-cell precursor ALL is covered
      Given a request for a child with refractory Philadelphia chromosome-negative B-cell precursor ALL
      And the member was born on 2017-06-20
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @near-miss
    Scenario: Newly diagnosed Philadelphia chromosome-negative B-cell precursor ALL is not covered
      Given a request for an adult with newly diagnosed Philadelphia chromosome-negative B-cell precursor ALL
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss
    Scenario: Philadelphia chromosome-negative B-cell precursor ALL in remission is not covered
      Given a request for an adult with Philadelphia chromosome-negative B-cell precursor ALL
      And the disease status is in remission
      And the diagnosis is coded C91.01
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss
    Scenario Outline: Relapsed Philadelphia chromosome-negative ALL of another lineage is not covered
      Given a request for an adult with relapsed Philadelphia chromosome-negative ALL
      And the leukemia is of <lineage> lineage
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

      Examples:
        | lineage         |
        | T-cell          |
        | mixed phenotype |

    @near-miss @reading:all-by-its-code
    Scenario: Relapsed B-cell lymphoblastic lymphoma is not ALL and is not covered
      Given a request for an adult with relapsed B-cell lymphoblastic lymphoma
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss
    Scenario: Relapsed Philadelphia chromosome-positive ALL whose TKI therapy has not failed is not covered
      Given a request for an adult with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      And the disease has not proved refractory to tyrosine kinase inhibitor therapy
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @applies @reading:born-after-service
    Scenario: A member recorded as born the day after the date of service is decided on the other facts
      Given a request for a member born after the date of service, with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @applies @reading:born-after-service
    Scenario: A member recorded as born a year after the date of service is decided on the other facts
      Given a request for a member born after the date of service, with relapsed Philadelphia chromosome-negative B-cell precursor ALL
      And the member was born on 2018-03-14
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

  @clause:QC-PH-POS-TKI
  Rule: Philadelphia chromosome-positive disease refractory to TKI therapy is medically necessary

    @applies
    Scenario: Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy is covered
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI

    @applies
    Scenario: Relapsed Philadelphia chromosome-positive ALL that has proved refractory to TKIs is covered
      Given a request for an adult with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      And the disease has proved refractory to tyrosine kinase inhibitor therapy
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI

    @applies @reading:ph-positive-disease
    Scenario: TKI-refractory Philadelphia chromosome-positive ALL is covered without its disease status
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy
      And the disease status is not stated
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI

    @applies @reading:no-age-limit
    Scenario: A child with Philadelphia chromosome-positive ALL refractory to TKI therapy is covered
      Given a request for a child with Philadelphia chromosome-positive B-cell precursor ALL refractory to TKI therapy
      And the member is 12 years old on the date of service
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI

    @near-miss @reading:tki-refractory-stated
    Scenario: Refractory Philadelphia chromosome-positive ALL whose TKI therapy has not failed is not covered
      Given a request for an adult with refractory Philadelphia chromosome-positive B-cell precursor ALL not refractory to TKI therapy
      And the disease has not proved refractory to tyrosine kinase inhibitor therapy
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss @reading:ph-positive-disease
    Scenario: Chronic myeloid leukemia refractory to TKI therapy is not covered
      Given a request for an adult with chronic myeloid leukemia refractory to TKI therapy
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss @reading:ph-positive-disease
    Scenario: Philadelphia chromosome-positive T-cell ALL refractory to TKI therapy is not covered
      Given a request for an adult with Philadelphia chromosome-positive ALL refractory to TKI therapy
      And the leukemia is of T-cell lineage
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

  @clause:QC-NOT-MET
  Rule: A request that meets neither criterion is not medically necessary

    @applies @reading:not-met-determination
    Scenario: Relapsed acute myeloid leukemia is not medically necessary
      Given a request for an adult with acute myeloid leukemia
      And the condition treated is acute myeloid leukemia, coded C92.02
      And the disease status is relapsed
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @applies @reading:not-met-determination
    Scenario: A condition that is not a cancer is not medically necessary, not investigational
      Given a request for an adult with rheumatoid arthritis
      And the condition treated is rheumatoid arthritis, coded M06.9
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @applies @reading:not-met-determination
    Scenario: Philadelphia chromosome-positive ALL in remission, not refractory to TKIs, is not medically necessary
      Given a request for an adult with Philadelphia chromosome-positive B-cell precursor ALL
      And the disease status is in remission
      And the diagnosis is coded C91.01
      And the disease has not proved refractory to tyrosine kinase inhibitor therapy
      When the engine decides the request
      Then the request is not covered
      And the determination is not medically necessary
      And the decision rests on clause QC-NOT-MET

    @near-miss
    Scenario: The same disease once it has proved refractory meets the first criterion
      Given a request for an adult with Philadelphia chromosome-negative B-cell precursor ALL coded as not in remission
      And the disease status is refractory
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-NEG-RR

    @near-miss @reading:no-age-limit
    Scenario: A child's relapsed Philadelphia chromosome-positive ALL, once TKI therapy has failed, meets the second criterion
      Given a request for a child with relapsed Philadelphia chromosome-positive B-cell precursor ALL
      And the member is 8 years old on the date of service
      And the disease has proved refractory to tyrosine kinase inhibitor therapy
      When the engine decides the request
      Then the request is covered
      And the determination is medically necessary
      And the decision rests on clause QC-PH-POS-TKI
