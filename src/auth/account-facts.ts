/**
 * What a feature tells administrators about one account (Feature.accountFacts):
 * its own part of `GET /v1/admin/users/:id`, under `section` (the social
 * feature's linked identities, the MFA feature's factors, ...). Never a
 * secret, a hash or a token: the view is for people.
 */
export interface AccountFactsSource {
  readonly section: string;
  factsFor(userId: string): Promise<unknown>;
}
