/**
 * @title Only support agents may impersonate
 * @overview Deny "Sign in as User" unless the impersonator is on the support team.
 * @category access control
 *
 * On an impersonated login `user` is the profile of the customer being impersonated,
 * so the impersonator's own roles are not available here: all we get is
 * `user.impersonator = { user_id, email }`. The support team is therefore kept in
 * the rule configuration:
 *
 *   SUPPORT_AGENTS   comma-separated list of user_ids and/or emails, e.g.
 *                    "auth0|64b7f0c2a1e9d3f4b5c6a7d8, maria.gonzalez@acme-support.example.com"
 *
 * Emails are compared case-insensitively, user_ids exactly.
 * Ordinary (non-impersonated) logins are not affected.
 */
function allowOnlySupportAgentsToImpersonate(user, context, callback) {
  if (!user.impersonated) {
    return callback(null, user, context);
  }

  var agents = (configuration.SUPPORT_AGENTS || '')
    .split(',')
    .map(function (entry) { return entry.trim(); })
    .filter(function (entry) { return entry.length > 0; });

  var impersonator = user.impersonator || {};
  var impersonatorEmail = (impersonator.email || '').toLowerCase();

  var isAgent = agents.some(function (agent) {
    if (agent.indexOf('@') !== -1) {
      return agent.toLowerCase() === impersonatorEmail;
    }
    return agent === impersonator.user_id;
  });

  if (!isAgent) {
    console.log('Impersonation of ' + user.user_id + ' refused: ' +
      (impersonator.email || impersonator.user_id) + ' is not in SUPPORT_AGENTS');
    return callback(new UnauthorizedError('You are not allowed to impersonate users.'));
  }

  return callback(null, user, context);
}
