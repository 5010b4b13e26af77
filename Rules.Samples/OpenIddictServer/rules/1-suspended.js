/**
 * Suspended accounts cannot sign in; the app sees the message.
 */
function suspended(user, context, callback) {
  if (user.app_metadata && user.app_metadata.suspended) {
    return callback(new UnauthorizedError('This account is suspended. Contact support.'));
  }
  callback(null, user, context);
}
