using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;

namespace Rules.Engine.Replay;

/// <summary>
/// Records read together and evaluated together, as UTF-8 in one reused buffer: the reader fills a batch, the
/// workers evaluate it in place, the fold reads its results in log order and hands it back to the pool. A batch
/// carries no string per record, so the records of a batch in flight cost their bytes and nothing more.
/// </summary>
internal sealed class ReplayBatch
{
    private static readonly SearchValues<byte> AsciiBlank = SearchValues.Create(" \t\v\f"u8);
    private byte[] _bytes = new byte[1 << 16];
    private Entry[] _entries = new Entry[64];
    private int _used;

    /// <summary>Where one record came from and where its bytes are in the buffer.</summary>
    public readonly record struct Entry(string Source, long Line, int Offset, int Length);

    /// <summary>Records in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of record text in the batch.</summary>
    public int ByteCount => _used;

    /// <summary>The evaluated records, in log order, once the workers are done.</summary>
    public ReplayRecordResult[] Results { get; private set; } = [];

    public Entry this[int index] => _entries[index];

    /// <summary>The record's UTF-8 text; valid until the batch goes back to the pool.</summary>
    public ReadOnlyMemory<byte> Text(int index) => _bytes.AsMemory(_entries[index].Offset, _entries[index].Length);

    /// <summary>
    /// Adds a line of a JSONL log, unless it is blank (as string.IsNullOrWhiteSpace sees it). Bytes that are not
    /// UTF-8 are replaced with U+FFFD, as StreamReader replaced them when lines were read as strings.
    /// </summary>
    public void AddLine(string source, long line, ReadOnlySpan<byte> text)
    {
        if (IsBlank(text))
        {
            return;
        }
        if (!Utf8.IsValid(text))
        {
            Add(source, line, Encoding.UTF8.GetString(text));
            return;
        }
        Append(source, line, text);
    }

    /// <summary>Adds a record given as text (a .json file, or a caller's own input), encoded as UTF-8.</summary>
    public void Add(string source, long line, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        Reserve(length);
        Encoding.UTF8.GetBytes(text, _bytes.AsSpan(_used));
        Commit(source, line, length);
    }

    /// <summary>Room for every record's result, before the workers fill it.</summary>
    public ReplayRecordResult[] PrepareResults()
    {
        if (Results.Length < Count)
        {
            Results = new ReplayRecordResult[Math.Max(Count, Results.Length * 2)];
        }
        return Results;
    }

    /// <summary>Empties the batch for reuse; the buffers stay.</summary>
    public void Clear()
    {
        Array.Clear(Results, 0, Math.Min(Count, Results.Length));
        Array.Clear(_entries, 0, Count);
        Count = 0;
        _used = 0;
    }

    private void Append(string source, long line, ReadOnlySpan<byte> text)
    {
        Reserve(text.Length);
        text.CopyTo(_bytes.AsSpan(_used));
        Commit(source, line, text.Length);
    }

    private void Reserve(int length)
    {
        if (_bytes.Length - _used < length)
        {
            // Only the used part is copied and read, so the new buffer need not be zeroed (it grows to megabytes).
            var bigger = GC.AllocateUninitializedArray<byte>(Math.Max(_bytes.Length * 2, _used + length));
            _bytes.AsSpan(0, _used).CopyTo(bigger);
            _bytes = bigger;
        }
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }
    }

    private void Commit(string source, long line, int length)
    {
        _entries[Count++] = new Entry(source, line, _used, length);
        _used += length;
    }

    /// <summary>string.IsNullOrWhiteSpace on the decoded line, without decoding it unless it holds non-ASCII bytes.</summary>
    internal static bool IsBlank(ReadOnlySpan<byte> text)
    {
        // \r and \n never occur inside a line; the other ASCII white space is tab, vertical tab, form feed and space.
        var first = text.IndexOfAnyExcept(AsciiBlank);
        if (first < 0)
        {
            return true;
        }
        return text[first] >= 0x80 && string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(text));
    }
}

/// <summary>Batches handed back after the fold, so a run reuses a few buffers instead of allocating one per batch.</summary>
internal sealed class ReplayBatchPool(int recordsPerBatch, int bytesPerBatch)
{
    private readonly ConcurrentBag<ReplayBatch> _free = [];

    /// <summary>True when <paramref name="batch"/> should go to the workers now.</summary>
    public bool IsFull(ReplayBatch batch) => batch.Count >= recordsPerBatch || batch.ByteCount >= bytesPerBatch;

    public ReplayBatch Rent() => _free.TryTake(out var batch) ? batch : new ReplayBatch();

    public void Return(ReplayBatch batch)
    {
        batch.Clear();
        _free.Add(batch);
    }

    /// <summary>Records given as text, in batches.</summary>
    public IEnumerable<ReplayBatch> Batch(IEnumerable<ReplayInput> inputs)
    {
        var batch = Rent();
        foreach (var input in inputs)
        {
            batch.Add(input.Source, input.Line, input.Text);
            if (IsFull(batch))
            {
                yield return batch;
                batch = Rent();
            }
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
        else
        {
            Return(batch);
        }
    }
}
