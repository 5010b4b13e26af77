/**
 * Tells the support channel in Slack each time someone signs in as a customer:
 * "Priya signed in as Jordan to the Customer Portal". Slack being down must not lock support out,
 * so a failed post is logged and the login goes on.
 */
function notifySlackOfImpersonation(user, context, callback) {
  if (!user.impersonated) {
    return callback(null, user, context);
  }

  const request = require('request');
  const firstWord = function (text) { return String(text || '').split(/[\s.@]/)[0]; };
  const capitalise = function (word) { return word.charAt(0).toUpperCase() + word.slice(1); };
  const agent = capitalise(firstWord(user.impersonator.email));
  const customer = user.given_name || firstWord(user.name) || user.email;
  // The channel is the company's own: "Acme Customer Portal" reads as "the Customer Portal".
  const prefix = configuration.COMPANY_NAME + ' ';
  const app = context.clientName.indexOf(prefix) === 0 ? context.clientName.slice(prefix.length) : context.clientName;

  request.post({
    url: configuration.SLACK_WEBHOOK_URL,
    json: { text: agent + ' signed in as ' + customer + ' to the ' + app },
    timeout: 2000,
  }, function (err, response) {
    if (err || response.statusCode >= 300) {
      console.log('Slack notification failed: ' + (err ? err.code : response.statusCode));
    }
    callback(null, user, context);
  });
}
