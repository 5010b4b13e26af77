/**
 * @title Impersonation only during support business hours
 * @overview Support can sign in as a customer Monday to Friday, 08:00-20:00 desk time.
 * @category access control
 *
 * The support desk works on a fixed offset from UTC (rules run in UTC):
 *   BUSINESS_HOURS_UTC_OFFSET   e.g. "-05:00" (default "+00:00")
 *
 * NB: a fixed offset does not follow daylight saving time; update the setting
 * in March and November.
 */
function (user, context, callback) {
  if (!user.impersonated) {
    return callback(null, user, context);
  }

  const OPEN_HOUR = 8;   // 08:00
  const CLOSE_HOUR = 20; // 20:00: the desk's late shift (CANDIDATE: was 18:00)

  const setting = (configuration.BUSINESS_HOURS_UTC_OFFSET || '+00:00').trim();
  const match = /^([+-])?(\d{1,2})(?::?(\d{2}))?$/.exec(setting);
  if (!match) {
    return callback(new Error('Impersonation is unavailable: BUSINESS_HOURS_UTC_OFFSET is misconfigured.'));
  }
  const sign = match[1] === '-' ? -1 : 1;
  const offsetMinutes = sign * (parseInt(match[2], 10) * 60 + parseInt(match[3] || '0', 10));

  // Move "now" to desk time, then read it with the UTC getters.
  const deskTime = new Date(Date.now() + offsetMinutes * 60 * 1000);
  const day = deskTime.getUTCDay(); // 0 = Sunday ... 6 = Saturday
  const hour = deskTime.getUTCHours();

  const weekday = day >= 1 && day <= 5;
  const open = hour >= OPEN_HOUR && hour < CLOSE_HOUR;

  if (!weekday || !open) {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    console.log(`Impersonation by ${user.impersonator.email} refused at ${days[day]} ${deskTime.toISOString().substr(11, 5)} desk time (UTC${setting})`);
    return callback(new UnauthorizedError('Impersonation is only allowed during support hours (Monday to Friday, 08:00-20:00).'));
  }

  return callback(null, user, context);
}
