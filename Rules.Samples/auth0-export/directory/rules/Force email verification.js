/**
 * @title Force email verification
 * @overview Only users who verified their email address can log in.
 * @category access control
 *
 * Applies to every login, impersonated ones included: support cannot open a
 * session as an account whose owner never proved the address is theirs.
 *
 * Tip: with Lock, pass `loginAfterSignup: false` so a new user is not shown
 * this error straight after signing up.
 */

function emailVerified(user, context, callback) {
  if (!user.email_verified) {
    return callback(new UnauthorizedError('Please verify your email before logging in.'));
  } else {
    return callback(null, user, context);
  }
}
