namespace Rules.Engine.Replay;

/// <summary>
/// Streams the records to replay, one at a time, never the whole log: a JSONL decision log (one record a line,
/// blank lines skipped), a single .json transaction file, or a directory of them (in name order).
/// Parsing happens later, on the workers; this only splits lines, so a malformed line costs nothing here.
/// </summary>
public sealed class ReplayLogReader(string path)
{
    private long _length = 1;
    private long _position;

    /// <summary>The file or directory being read.</summary>
    public string Path { get; } = path;

    /// <summary>How far through the input the reader is, 0..1, for a progress bar's ETA.</summary>
    public double Fraction => Math.Clamp((double)Interlocked.Read(ref _position) / Math.Max(1, Interlocked.Read(ref _length)), 0, 1);

    /// <summary>Null when the path can be read; otherwise a one-line reason.</summary>
    public string? Problem() =>
        Directory.Exists(Path) || File.Exists(Path) ? null : $"'{Path}' is neither a file nor a directory";

    /// <summary>The records, one at a time, with where each came from; lazily, so a log of any size is read in constant memory.</summary>
    public IEnumerable<ReplayInput> Read()
    {
        if (Directory.Exists(Path))
        {
            var files = Directory.GetFiles(Path, "*.json").Order(StringComparer.Ordinal).ToArray();
            Interlocked.Exchange(ref _length, files.Length);
            for (var i = 0; i < files.Length; i++)
            {
                yield return new ReplayInput(files[i], 1, File.ReadAllText(files[i]));
                Interlocked.Exchange(ref _position, i + 1);
            }
            yield break;
        }

        if (Path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ReplayInput(Path, 1, File.ReadAllText(Path));
            Interlocked.Exchange(ref _position, 1);
            yield break;
        }

        using var stream = Open();
        foreach (var input in ReadLines(stream))
        {
            yield return input;
        }
    }

    /// <summary>
    /// The records in batches for the runner: a JSONL log is split as UTF-8 bytes and never decoded (a log with a
    /// UTF-16 or UTF-32 byte order mark, and .json files, are read as text as <see cref="Read"/> reads them).
    /// The same records, lines and line numbers as <see cref="Read"/>.
    /// </summary>
    internal IEnumerable<ReplayBatch> ReadBatches(ReplayBatchPool pool)
    {
        if (Directory.Exists(Path) || Path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var batch in pool.Batch(Read()))
            {
                yield return batch;
            }
            yield break;
        }

        using var stream = Open();
        if (!stream.CanSeek || StartsWithNonUtf8ByteOrderMark(stream))
        {
            foreach (var batch in pool.Batch(ReadLines(stream)))
            {
                yield return batch;
            }
            yield break;
        }

        var lines = new Utf8LineReader(stream);
        var current = pool.Rent();
        while (true)
        {
            if (!lines.TryReadLine(out var line))
            {
                break;
            }
            current.AddLine(Path, lines.LineNumber, line);
            if ((lines.LineNumber & 255) == 0)
            {
                Interlocked.Exchange(ref _position, stream.Position);
            }
            if (pool.IsFull(current))
            {
                yield return current;
                current = pool.Rent();
            }
        }
        Interlocked.Exchange(ref _position, Interlocked.Read(ref _length));
        if (current.Count > 0)
        {
            yield return current;
        }
        else
        {
            pool.Return(current);
        }
    }

    private FileStream Open()
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        Interlocked.Exchange(ref _length, stream.CanSeek ? stream.Length : 1);
        return stream;
    }

    private static bool StartsWithNonUtf8ByteOrderMark(FileStream stream)
    {
        var head = new byte[4];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        return Utf8LineReader.HasNonUtf8ByteOrderMark(head.AsSpan(0, read));
    }

    private IEnumerable<ReplayInput> ReadLines(FileStream stream)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (stream.CanSeek && (line & 255) == 0)
            {
                Interlocked.Exchange(ref _position, stream.Position);
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            yield return new ReplayInput(Path, line, text);
        }
        Interlocked.Exchange(ref _position, Interlocked.Read(ref _length));
    }
}
