using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace GuestChat.Actors.Persistence;

/// <summary>
/// What the service reads from the journal's database directly, beside Akka.Persistence: how many bytes it
/// takes on disk, the newest position in it, and its rows after a position for the readers that follow it
/// (<see cref="MessageLog"/>). (Akka.Persistence.Sql's default tables: <c>journal</c>, whose <c>ordering</c>
/// column numbers every event written, and <c>tags</c>, a row per tag of an event by that number.)
/// </summary>
public static class JournalDatabase
{
    /// <summary>The journal's size now: the SQLite files (journal and snapshots) with their write-ahead logs, or the PostgreSQL database; null with the in-memory provider or when it cannot be read.</summary>
    public static async Task<long?> BytesAsync(JournalSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Provider == PersistenceProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(settings.EffectiveConnectionString).DataSource;
            var snapshots = JournalSettings.SnapshotFileOf(file);
            return new[] { file, file + "-wal", snapshots, snapshots + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        }

        return await ScalarAsync(settings, "SELECT pg_database_size(current_database())", cancellationToken);
    }

    /// <summary>The position of the newest event written (0 when none); null with the in-memory provider or when it cannot be read.</summary>
    public static Task<long?> NewestPositionAsync(JournalSettings settings, CancellationToken cancellationToken) =>
        ScalarAsync(settings, "SELECT COALESCE(MAX(ordering), 0) FROM journal", cancellationToken);

    /// <summary>
    /// A reader of the journal's rows after a position (a follower reads many times a second): every row,
    /// so its reader sees where the numbering has a gap, with the payload only of those whose manifest is
    /// one of <paramref name="manifests"/> or that are tagged <paramref name="tag"/>, read by <paramref name="read"/>
    /// from the bytes where they lie (on SQLite, SQLite's own copy: no array per row). On SQLite it keeps one
    /// connection with its query prepared; on PostgreSQL it takes a connection from the pool for each read,
    /// so readers do not hold connections the journal's writers need. Dispose it to close what it holds.
    /// </summary>
    public static async Task<RowReader> OpenRowReaderAsync(JournalSettings settings, IReadOnlyCollection<string> manifests, string tag, PayloadReader read, CancellationToken cancellationToken)
    {
        var reader = new RowReader(settings, manifests, tag, read);
        if (settings.Provider == PersistenceProvider.Sqlite)
        {
            await reader.HoldAsync(cancellationToken);
        }

        return reader;
    }

    /// <summary>A row's payload from its bytes, with the serializer and manifest stored beside it (the bytes are valid only during the call).</summary>
    public delegate object? PayloadReader(ReadOnlySpan<byte> bytes, int? serializer, string? manifest);

    /// <summary>Reads the journal's rows after a position; see <see cref="OpenRowReaderAsync"/>.</summary>
    public sealed class RowReader : IAsyncDisposable
    {
        private readonly JournalSettings _settings;
        private readonly IReadOnlyCollection<string> _manifests;
        private readonly string _tag;
        private readonly PayloadReader _read;
        private SqliteRowStatement? _held;

        internal RowReader(JournalSettings settings, IReadOnlyCollection<string> manifests, string tag, PayloadReader read) =>
            (_settings, _manifests, _tag, _read) = (settings, manifests, tag, read);

        /// <summary>Up to <paramref name="count"/> rows after <paramref name="position"/>, in position order.</summary>
        public ValueTask<IReadOnlyList<JournalRow>> AfterAsync(long position, int count, CancellationToken cancellationToken) =>
            _held is not null ? new(_held.After(position, count)) : new(QueriedAsync(position, count, cancellationToken));

        private async Task<IReadOnlyList<JournalRow>> QueriedAsync(long position, int count, CancellationToken cancellationToken)
        {
            var query = await QueryAsync(cancellationToken);
            try
            {
                query.After.Value = position;
                query.Limit.Value = count;
                var rows = new List<JournalRow>();
                await using var reader = await query.Command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    int? serializer = reader.IsDBNull(4) ? null : Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture);
                    var manifest = reader.IsDBNull(5) ? null : reader.GetString(5);
                    rows.Add(new JournalRow(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        reader.GetInt64(2),
                        reader.GetBoolean(3),
                        reader.IsDBNull(6) ? null : _read((byte[])reader.GetValue(6), serializer, manifest)));
                }

                return rows;
            }
            finally
            {
                await query.DisposeAsync();
            }
        }

        /// <inheritdoc />
        public ValueTask DisposeAsync()
        {
            _held?.Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>How many times the held query was compiled again after it was prepared; null on PostgreSQL, which holds none.</summary>
        internal int? Recompiled => _held?.Recompiled;

        internal async Task HoldAsync(CancellationToken cancellationToken) =>
            _held = SqliteRowStatement.Prepare((SqliteConnection)await OpenAsync(_settings, cancellationToken), RowsSql(_manifests.Count, "?"), _manifests, _tag, _read);

        private async Task<RowQuery> QueryAsync(CancellationToken cancellationToken)
        {
            var connection = await OpenAsync(_settings, cancellationToken);
            var command = connection.CreateCommand();
            command.CommandText = RowsSql(_manifests.Count, "@p");
            var query = new RowQuery(connection, command, Parameter(command, "@p1", 0L), Parameter(command, "@p2", 0));
            Parameter(command, "@p3", _tag);
            foreach (var (manifest, i) in _manifests.Select((m, i) => (m, i)))
            {
                Parameter(command, $"@p{4 + i}", manifest);
            }

            return query;
        }

        /// <summary>The rows query; its parameters are numbered: 1 the position after, 2 the limit, 3 the tag, 4 and on the manifests.</summary>
        private static string RowsSql(int manifests, string parameter) => $"""
            SELECT j.ordering, j.persistence_id, j.sequence_number, t.tag IS NOT NULL, j.identifier, j.manifest,
                   CASE WHEN t.tag IS NOT NULL OR j.manifest IN ({string.Join(", ", Enumerable.Range(4, manifests).Select(i => parameter + i))}) THEN j.message END
            FROM journal j LEFT JOIN tags t ON t.ordering_id = j.ordering AND t.tag = {parameter}3
            WHERE j.ordering > {parameter}1
            ORDER BY j.ordering
            LIMIT {parameter}2
            """;
    }

    /// <summary>
    /// UTF-8 text read into strings, the same string for the same text: a fixed set, or (growing) every text
    /// seen, forgotten all at once past <see cref="MostKept"/>.
    /// </summary>
    private sealed class KnownStrings
    {
        private const int MostKept = 50_000;
        private readonly Dictionary<string, string> _kept = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byText;
        private readonly bool _grows;

        public KnownStrings(IEnumerable<string> known, bool grows)
        {
            foreach (var text in known)
            {
                _kept[text] = text;
            }

            _byText = _kept.GetAlternateLookup<ReadOnlySpan<char>>();
            _grows = grows;
        }

        public string Of(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > 256)
            {
                return Encoding.UTF8.GetString(utf8);
            }

            Span<char> chars = stackalloc char[utf8.Length];
            var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            if (_byText.TryGetValue(text, out var kept))
            {
                return kept;
            }

            var made = text.ToString();
            if (_grows)
            {
                if (_kept.Count >= MostKept)
                {
                    _kept.Clear();
                }

                _kept[made] = made;
            }

            return made;
        }
    }

    private sealed record RowQuery(DbConnection Connection, DbCommand Command, DbParameter After, DbParameter Limit) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Command.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    /// <summary>
    /// The rows query held on one SQLite connection, prepared once and stepped on SQLite's own statement handle
    /// (SQLitePCL): a follower reads after every write, and Microsoft.Data.Sqlite's command makes a reader, a
    /// binder per parameter and the statement's UTF-8 text on every execution. Not for use by two threads at once.
    /// </summary>
    private sealed class SqliteRowStatement : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;

        // The limit bound now. SQLite plans the query for the value bound to LIMIT, so binding it, even to the
        // same value, has the statement compiled again on its next step: bound only when it changes.
        private long _limit = -1;

        // A follower reads the same few manifests and the same chats' ids over and over: read into the same strings.
        private readonly KnownStrings _manifests = new(ConversationFactSerializer.Manifests, grows: false);
        private readonly KnownStrings _persistenceIds = new([], grows: true);

        private readonly PayloadReader _read;

        private SqliteRowStatement(SqliteConnection connection, sqlite3_stmt statement, PayloadReader read) => (_connection, _statement, _read) = (connection, statement, read);

        public static SqliteRowStatement Prepare(SqliteConnection connection, string sql, IReadOnlyCollection<string> manifests, string tag, PayloadReader read)
        {
            sqlite3_stmt? statement = null;
            try
            {
                var database = connection.Handle!;

                // A read waits out a writer's lock as Microsoft.Data.Sqlite's commands do (the connection's default timeout).
                raw.sqlite3_busy_timeout(database, connection.DefaultTimeout * 1000);
                Check(raw.sqlite3_prepare_v2(database, sql, out statement), database);
                Check(raw.sqlite3_bind_text16(statement, 3, tag), database);
                foreach (var (manifest, i) in manifests.Select((m, i) => (m, i)))
                {
                    Check(raw.sqlite3_bind_text16(statement, 4 + i, manifest), database);
                }

                return new SqliteRowStatement(connection, statement, read);
            }
            catch
            {
                statement?.Dispose();
                connection.Dispose();
                throw;
            }
        }

        public List<JournalRow> After(long position, int count)
        {
            var database = _connection.Handle!;
            Check(raw.sqlite3_bind_int64(_statement, 1, position), database);
            if (count != _limit)
            {
                Check(raw.sqlite3_bind_int64(_statement, 2, count), database);
                _limit = count;
            }

            var rows = new List<JournalRow>();
            try
            {
                int result;
                while ((result = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
                {
                    int? serializer = Null(4) ? null : raw.sqlite3_column_int(_statement, 4);
                    var manifest = Null(5) ? null : _manifests.Of(raw.sqlite3_column_blob(_statement, 5));
                    rows.Add(new JournalRow(
                        raw.sqlite3_column_int64(_statement, 0),
                        _persistenceIds.Of(raw.sqlite3_column_blob(_statement, 1)),
                        raw.sqlite3_column_int64(_statement, 2),
                        raw.sqlite3_column_int64(_statement, 3) != 0,
                        Null(6) ? null : _read(raw.sqlite3_column_blob(_statement, 6), serializer, manifest)));
                }

                if (result != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(result, database);
                }

                return rows;
            }
            finally
            {
                raw.sqlite3_reset(_statement);
            }
        }

        /// <summary>How many times SQLite has compiled the query again since it was prepared (SQLITE_STMTSTATUS_REPREPARE).</summary>
        internal int Recompiled => raw.sqlite3_stmt_status(_statement, 5, 0);

        public void Dispose()
        {
            _statement.Dispose();
            _connection.Dispose();
        }

        private bool Null(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

        private static void Check(int result, sqlite3 database)
        {
            if (result != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(result, database);
            }
        }
    }

    /// <summary>
    /// PostgreSQL's transaction horizon now: the oldest transaction still running (<c>Oldest</c>), the next
    /// one to start (<c>Next</c>), and the newest position in the journal (<c>Newest</c>), all as of one
    /// moment. Once <c>Oldest</c> has passed an earlier <c>Next</c>, every transaction that was running at that
    /// earlier moment has ended. Null on SQLite, whose writers commit one at a time.
    /// </summary>
    public static async Task<(long Oldest, long Next, long Newest)?> TransactionHorizonAsync(JournalSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Provider != PersistenceProvider.PostgreSql)
        {
            return null;
        }

        await using var connection = await OpenAsync(settings, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint, (SELECT COALESCE(MAX(ordering), 0) FROM journal) FROM pg_current_snapshot() s";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    private static async Task<DbConnection> OpenAsync(JournalSettings settings, CancellationToken cancellationToken)
    {
        DbConnection connection = settings.Provider switch
        {
            PersistenceProvider.Sqlite => new SqliteConnection(settings.EffectiveConnectionString),
            PersistenceProvider.PostgreSql => new NpgsqlConnection(settings.EffectiveConnectionString),
            _ => throw new InvalidOperationException("The in-memory journal has no database."),
        };
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static async Task<long?> ScalarAsync(JournalSettings settings, string sql, CancellationToken cancellationToken)
    {
        if (settings.Provider == PersistenceProvider.None)
        {
            return null;
        }

        try
        {
            await using var connection = await OpenAsync(settings, cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is DbException or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>
/// One row of the journal: its position, whose event it is (<paramref name="PersistenceId"/>,
/// <paramref name="SequenceNr"/>), whether it has the tag asked for, and its event as the reader's
/// <see cref="JournalDatabase.PayloadReader"/> read it (<paramref name="Payload"/>) when it was asked for.
/// A struct: a follower reads one per message, and a batch of them is one list.
/// </summary>
public readonly record struct JournalRow(long Position, string PersistenceId, long SequenceNr, bool Tagged, object? Payload);
