/**
 * @title Require a verified email (Action)
 * @overview The Actions-style twin of rules/email-verified.js: only users who verified
 * their email address can log in, impersonated logins included.
 *
 * Auth0 rule                                   Action
 *   callback(new UnauthorizedError(msg))   ->    api.access.deny(msg)
 *   callback(null, user, context)          ->    return (or just finish)
 *
 * Note the error code: api.access.deny gives `access_denied`, where the rule's
 * UnauthorizedError gave `unauthorized`.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (!event.user.email_verified) {
    api.access.deny('Please verify your email before logging in.');
  }
};
