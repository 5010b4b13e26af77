using System.Data;

namespace Rules.Host.Storage;

/// <summary>
/// One open transaction that several stores write through, so the records of one event (a login's code, metadata
/// changes, session, audit entry and decision record; a link and its audit entry) are committed together or not at
/// all. Get one from <see cref="Database.Write"/>.
/// </summary>
public readonly record struct Writes(IDbConnection Connection, IDbTransaction Transaction);
