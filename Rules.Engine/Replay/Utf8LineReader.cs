using System.Text;

namespace Rules.Engine.Replay;

/// <summary>
/// Splits a UTF-8 stream into lines without decoding it, so a record goes to the JSON parser as the bytes it is
/// stored as. Lines break where <see cref="StreamReader.ReadLine"/> breaks them (<c>\n</c>, <c>\r\n</c> or a lone
/// <c>\r</c>) and are numbered the same way; a leading UTF-8 byte order mark is skipped, as StreamReader skips it.
/// The line handed out is only valid until the next call.
/// </summary>
internal sealed class Utf8LineReader(Stream stream)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _first = true;

    /// <summary>Lines returned so far, counting blank ones: the number of the last line returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>True when the stream starts with a UTF-16 or UTF-32 byte order mark, which StreamReader would decode by; UTF-8 (with or without its mark) is false.</summary>
    public static bool HasNonUtf8ByteOrderMark(ReadOnlySpan<byte> start) =>
        start is [0xFE, 0xFF, ..] or [0xFF, 0xFE, ..] or [0x00, 0x00, 0xFE, 0xFF, ..];

    /// <summary>The next line without its terminator; false at the end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        if (_first)
        {
            _first = false;
            Fill(3);
            if (_buffer.AsSpan(_start, _end - _start).StartsWith(Encoding.UTF8.Preamble))
            {
                _start += 3;
            }
        }

        var searched = 0;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var at = pending[searched..].IndexOfAny((byte)'\r', (byte)'\n');
            if (at >= 0)
            {
                at += searched;
                if (pending[at] == '\r' && at + 1 == pending.Length && !_eof)
                {
                    // A \r at the end of what is buffered may be the first half of \r\n: read on before deciding.
                    searched = at;
                    Fill(pending.Length + 1);
                    continue;
                }
                line = pending[..at];
                var skip = pending[at] == '\r' && at + 1 < pending.Length && pending[at + 1] == '\n' ? 2 : 1;
                _start += at + skip;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                if (pending.IsEmpty)
                {
                    line = default;
                    return false;
                }
                line = pending;
                _start = _end;
                LineNumber++;
                return true;
            }
            searched = pending.Length;
            Fill(pending.Length + 1);
        }
    }

    /// <summary>Reads until at least <paramref name="wanted"/> bytes are pending or the stream ends.</summary>
    private void Fill(int wanted)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        while (_end < wanted && !_eof)
        {
            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }
            _end += read;
        }
    }
}
