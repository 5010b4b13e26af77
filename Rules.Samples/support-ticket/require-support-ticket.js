/**
 * Require a support ticket before an impersonation goes ahead.
 *
 * A support agent who follows a "Sign in as User" link is first sent to a small form that asks which ticket the
 * session is for (the host serves one at /samples/support-ticket; SUPPORT_TICKET_FORM_URL may point at your own
 * helpdesk page instead). The login continues at /continue: the ticket must look like SUP-1234, and it goes into the
 * tokens as a namespaced claim and, with the rest of the answer, into the audit entry of the login.
 * Ordinary logins are not affected.
 */
function requireSupportTicket(user, context, callback) {
  if (!user.impersonated) {
    return callback(null, user, context);
  }

  var namespace = 'https://rules.example.com/';
  if (context.protocol === 'redirect-callback') {
    var answer = context.request.body.ticket || context.request.query.ticket || '';
    var ticket = String(answer).trim().toUpperCase();
    if (!/^[A-Z]{2,10}-\d{1,10}$/.test(ticket)) {
      return callback(new UnauthorizedError('A support ticket number (like SUP-1234) is required to sign in as this user.'));
    }
    context.idToken[namespace + 'support_ticket'] = ticket;
    context.accessToken[namespace + 'support_ticket'] = ticket;
    console.log(user.impersonator.email + ' signed in as ' + user.user_id + ' for ticket ' + ticket);
    return callback(null, user, context);
  }

  context.redirect = { url: configuration.SUPPORT_TICKET_FORM_URL };
  callback(null, user, context);
}
