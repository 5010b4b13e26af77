/**
 * @title Impersonator must be a support agent
 * @overview "Sign in as User" is reserved to the support team: listed agents, or anyone
 * with a verified mailbox on the support domain.
 *
 * Configuration:
 *   SUPPORT_AGENTS         comma-separated user_ids and/or emails
 *   SUPPORT_EMAIL_DOMAIN   e.g. "acme-support.example.com"
 */
function impersonatorIsSupportAgent(user, context, callback) {
  if (!user.impersonated) {
    return callback(null, user, context);
  }

  var impersonator = user.impersonator || {};
  var email = (impersonator.email || '').toLowerCase();
  var agents = (configuration.SUPPORT_AGENTS || '').split(',').map(function (s) { return s.trim(); }).filter(Boolean);
  var domain = (configuration.SUPPORT_EMAIL_DOMAIN || '').toLowerCase();

  var listed = agents.some(function (agent) {
    return agent.indexOf('@') >= 0 ? agent.toLowerCase() === email : agent === impersonator.user_id;
  });
  var onDomain = domain.length > 0 && email.slice(-(domain.length + 1)) === '@' + domain;

  if (!listed && !onDomain) {
    console.log('refused impersonation of ' + user.user_id + ' by ' + (email || impersonator.user_id));
    return callback(new UnauthorizedError('You are not allowed to impersonate users.'));
  }
  callback(null, user, context);
}
