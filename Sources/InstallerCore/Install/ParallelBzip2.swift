import CBZip2
import Foundation

/// bzip2 decoded on every core (issue 20): the blocks of a bzip2 stream are independent, so
/// each one is cut out at its 48-bit block magic, made into a stream of its own (header,
/// the block's bits, the end-of-stream magic and the block's CRC as the stream's) and
/// decoded by libbz2 on a worker thread, while this stream hands the decoded bytes to its
/// reader (libarchive) in order. One thread reads the compressed stream (hashing it: it is
/// the package's `HashingStream`) and cuts it; `workers` threads decode.
///
/// Checked as bzip2 itself checks: every block's CRC (by libbz2) and each stream's combined
/// CRC (here, in order). A block magic can also occur by chance inside compressed data
/// (about once in 2^48 bit positions): the piece cut there fails to decode, and is then
/// decoded again joined to the piece that follows. Memory stays bounded: at most
/// `maxJobs` pieces (each at most about 1 MB compressed, `chunkLimit` decoded and waiting)
/// are held at once, whatever the size of the package. Concatenated streams (pbzip2's)
/// are read one after another; bytes after the last stream that do not start another are
/// ignored, as libarchive ignores them.
final class ParallelBzip2: ByteStream, @unchecked Sendable {
    static let blockMagic: UInt64 = 0x3141_5926_5359
    static let endMagic: UInt64 = 0x1772_4538_5090
    static let readSize = 256 * 1024
    static let chunkSize = 256 << 10
    /// Decoded bytes a piece may hold before its worker waits for the reader.
    static let chunkLimit = 1 << 20

    /// True when `prefix` (the first bytes of a stream) starts a bzip2 stream with a block.
    static func recognises(_ prefix: UnsafeRawBufferPointer) -> Bool {
        guard prefix.count >= 10, prefix[0] == 0x42, prefix[1] == 0x5A, prefix[2] == 0x68,
              (0x31...0x39).contains(prefix[3]) else { return false }
        var m: UInt64 = 0
        for i in 4..<10 { m = m << 8 | UInt64(prefix[i]) }
        return m == blockMagic
    }

    /// One block (or, after a join, a block cut in two by a magic found by chance).
    final class Job {
        var bytes: [UInt8]          // the bytes holding bits [startBit, endBit)
        let startBit: Int
        var endBit: Int
        let level: UInt8
        let blockCRC: UInt32
        var endsStream: Bool        // the piece ends at the stream's end-of-stream magic
        var streamCRC: UInt32       // then: the stream's combined CRC
        // Under the lock:
        var taken = false
        var chunks: [[UInt8]] = []
        var waiting = 0             // decoded bytes in `chunks`
        var delivered = 0           // decoded bytes ever put in `chunks`
        var done = false
        var failure: String?
        var absorbed = false        // joined into the piece before it
        init(bytes: [UInt8], startBit: Int, endBit: Int, level: UInt8, blockCRC: UInt32, endsStream: Bool, streamCRC: UInt32) {
            self.bytes = bytes; self.startBit = startBit; self.endBit = endBit; self.level = level
            self.blockCRC = blockCRC; self.endsStream = endsStream; self.streamCRC = streamCRC
        }
    }

    private let base: ByteStream
    private let name: String
    private let cond = NSCondition()
    private let maxJobs: Int
    // Under `cond`:
    private var jobs: [Job] = []
    private var producerDone = false
    private var producerError: InstallerError?
    private var cancelled = false
    private var compressed: UInt64 = 0
    private var combined: UInt32 = 0
    private var threads = 0
    private var head: Job?
    private var headOffset = 0

    /// Compressed bytes read so far (for progress).
    var compressedBytesRead: UInt64 { cond.lock(); defer { cond.unlock() }; return compressed }

    /// Tests: every block is also cut at its middle, as a magic found there by chance would.
    private let splitBlocks: Bool

    /// Starts decoding `base`, whose first bytes `initial` were already read from it.
    init(_ base: ByteStream, initial: [UInt8], name: String, workers: Int, splitBlocks: Bool = false) {
        self.base = base; self.name = name; self.splitBlocks = splitBlocks
        let w = max(1, workers)
        maxJobs = w + 1
        threads = w + 1
        let first = initial
        let p = Thread { [self] in produce(first); exited() }
        p.name = "bzip2-read"
        p.start()
        for i in 0..<w {
            let t = Thread { [self] in work(); exited() }
            t.name = "bzip2-\(i)"
            t.start()
        }
    }

    private func exited() {
        cond.lock(); threads -= 1; cond.broadcast(); cond.unlock()
    }

    /// Stops the threads and waits for them; the base stream is not read any more after.
    func close() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        while threads > 0 { cond.wait() }
        jobs.removeAll()
        cond.unlock()
    }

    deinit { close() }

    // MARK: the reader's side

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InstallerError) -> Int {
        cond.lock()
        defer { cond.unlock() }
        while true {
            if let job = jobs.first {
                if !job.chunks.isEmpty {
                    let c = job.chunks[0]
                    let n = min(buffer.count, c.count - headOffset)
                    c.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + headOffset, byteCount: n) }
                    headOffset += n
                    if headOffset == c.count { job.chunks.removeFirst(); headOffset = 0 }
                    job.waiting -= n
                    cond.broadcast()
                    return n
                }
                if let f = job.failure { throw .failed("cannot read the archive: bzip2: \(f)", at: name, hint: "the package is damaged") }
                if job.done {
                    combined = (combined << 1 | combined >> 31) ^ job.blockCRC
                    if job.endsStream {
                        guard combined == job.streamCRC else {
                            throw .failed(String(format: "cannot read the archive: bzip2: the stream's CRC %08x does not match its blocks' (%08x)", job.streamCRC, combined),
                                          at: name, hint: "the package is damaged")
                        }
                        combined = 0
                    }
                    jobs.removeFirst()
                    cond.broadcast()
                    continue
                }
            } else if let e = producerError {
                throw e
            } else if producerDone {
                return 0
            }
            if cancelled { throw InstallerError(.cancelled, "the package was abandoned") }
            cond.wait()
        }
    }

    // MARK: the compressed side (one thread)

    private enum State { case header(Int), block(Int), trailer(Int) }

    private func produce(_ initial: [UInt8]) {
        var buf = initial              // compressed bytes from absolute byte `base0`
        var base0 = 0
        var state = State.header(0)
        var level: UInt8 = 0x39
        var scan = 0                   // next absolute byte to scan
        var w: UInt64 = 0              // the last 8 bytes scanned
        var eof = false
        var table = [UInt16](repeating: 0, count: 256)  // bits 0-7: block magic ends e bits early; 8-15: end magic
        for e in 0..<8 {
            table[Int((Self.blockMagic >> UInt64(16 - e)) & 0xff)] |= UInt16(1) << UInt16(e)
            table[Int((Self.endMagic >> UInt64(16 - e)) & 0xff)] |= UInt16(1) << UInt16(8 + e)
        }
        func bits(_ at: Int, _ count: Int) -> UInt64 {
            var v: UInt64 = 0
            for b in at..<(at + count) {
                let byte = buf[b / 8 - base0]
                v = v << 1 | UInt64((byte >> UInt8(7 - b % 8)) & 1)
            }
            return v
        }
        func finish(_ error: InstallerError?) {
            cond.lock()
            producerError = error
            producerDone = true
            cond.broadcast()
            cond.unlock()
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 16)
        defer { chunk.deallocate() }
        cond.lock(); compressed = UInt64(initial.count); cond.unlock()

        while true {
            let end = base0 + buf.count         // absolute end of what was read
            var progress = false
            switch state {
            case .header(let h):
                if end - h >= 10 {
                    let ok = buf[h - base0] == 0x42 && buf[h - base0 + 1] == 0x5A && buf[h - base0 + 2] == 0x68
                        && (0x31...0x39).contains(buf[h - base0 + 3])
                    if !ok { return finish(nil) }          // bytes after the last stream: ignored
                    level = buf[h - base0 + 3]
                    let m = bits((h + 4) * 8, 48)
                    if m == Self.endMagic {
                        state = .trailer((h + 4) * 8)       // an empty stream
                    } else if m == Self.blockMagic {
                        state = .block((h + 4) * 8)
                        // Rescan from the magic's first byte: w must hold the 8 bytes before each scanned one.
                        scan = h + 4; w = 0
                        for i in max(base0, scan - 8)..<scan { w = w << 8 | UInt64(buf[i - base0]) }
                    } else {
                        return finish(nil)
                    }
                    progress = true
                } else if eof {
                    return finish(nil)                      // nothing or a few stray bytes after the last stream
                }
            case .block(var start):
                var found: (Int, Bool)?                     // (start bit of the magic, is end magic)
                while scan < end {
                    w = w << 8 | UInt64(buf[scan - base0])
                    scan += 1
                    let m = table[Int((w >> 16) & 0xff)]
                    if m == 0 { continue }
                    for e in (0..<8).reversed() where m & (UInt16(1) << UInt16(e) | UInt16(1) << UInt16(8 + e)) != 0 {
                        let v = (w >> UInt64(e)) & 0xffff_ffff_ffff
                        let s = scan * 8 - e - 48
                        guard s > start else { continue }
                        if v == Self.blockMagic { found = (s, false); break }
                        if v == Self.endMagic { found = (s, true); break }
                    }
                    if found != nil { break }
                }
                guard let (s, isEnd) = found else {
                    if eof { return finish(.failed("cannot read the archive: bzip2: the data ends inside a block", at: name, hint: "the package is damaged or truncated")) }
                    break
                }
                if splitBlocks && s - start > 4096 {
                    let mid = (start + s) / 2
                    guard enqueue(buf, base0, start, mid, level, UInt32(bits(start + 48, 32)), endsStream: false, streamCRC: 0) else { return finish(nil) }
                    start = mid
                }
                if isEnd {
                    state = .trailer(s)
                    // the piece is queued once the stream's CRC has been read
                    pendingPiece = (start, s)
                } else {
                    guard enqueue(buf, base0, start, s, level, UInt32(bits(start + 48, 32)), endsStream: false, streamCRC: 0) else { return finish(nil) }
                    state = .block(s)
                    let drop = s / 8 - base0
                    if drop > 0 { buf.removeFirst(drop); base0 += drop }
                }
                progress = true
            case .trailer(let e):
                if end * 8 >= e + 80 {
                    let crc = UInt32(bits(e + 48, 32))
                    if let (start, s) = pendingPiece {
                        guard enqueue(buf, base0, start, s, level, UInt32(bits(start + 48, 32)), endsStream: true, streamCRC: crc) else { return finish(nil) }
                        pendingPiece = nil
                    } else {
                        // An empty stream: its combined CRC is 0.
                        if crc != 0 { return finish(.failed("cannot read the archive: bzip2: an empty stream with a CRC", at: name, hint: "the package is damaged")) }
                    }
                    let next = (e + 80 + 7) / 8
                    state = .header(next)
                    let drop = min(next, end) - base0
                    if drop > 0 { buf.removeFirst(drop); base0 += drop }
                    progress = true
                } else if eof {
                    return finish(.failed("cannot read the archive: bzip2: the data ends inside the stream's trailer", at: name, hint: "the package is damaged or truncated"))
                }
            }
            if progress { continue }
            // More input.
            if CleanupRegistry.shared.isDying || isCancelled { return finish(nil) }
            do {
                let n = try base.read(into: chunk)
                if n == 0 { eof = true } else {
                    buf.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
                    cond.lock(); compressed += UInt64(n); cond.unlock()
                }
            } catch {
                return finish(error)
            }
        }
    }

    private var pendingPiece: (Int, Int)?       // the producer's own

    private var isCancelled: Bool { cond.lock(); defer { cond.unlock() }; return cancelled }

    /// Queues bits [start, end) (absolute) of `buf` (which starts at absolute byte `base0`);
    /// waits while `maxJobs` pieces are queued. False when cancelled.
    private func enqueue(_ buf: [UInt8], _ base0: Int, _ start: Int, _ end: Int, _ level: UInt8, _ crc: UInt32,
                         endsStream: Bool, streamCRC: UInt32) -> Bool {
        let from = start / 8, to = (end + 7) / 8
        let job = Job(bytes: Array(buf[(from - base0)..<(to - base0)]), startBit: start - from * 8, endBit: end - from * 8,
                      level: level, blockCRC: crc, endsStream: endsStream, streamCRC: streamCRC)
        cond.lock()
        defer { cond.unlock() }
        while jobs.count >= maxJobs && !cancelled { cond.wait() }
        if cancelled { return false }
        jobs.append(job)
        cond.broadcast()
        return true
    }

    // MARK: the workers

    private func work() {
        while true {
            cond.lock()
            var job: Job?
            while true {
                if cancelled { break }
                if let j = jobs.first(where: { !$0.taken }) { job = j; j.taken = true; break }
                if producerDone { break }
                cond.wait()
            }
            cond.unlock()
            guard let job else { return }
            decode(job)
        }
    }

    private func decode(_ job: Job) {
        while true {
            let failure = decodeOnce(job)
            cond.lock()
            defer { cond.unlock(); cond.broadcast() }
            if job.absorbed || cancelled { return }
            guard let failure else { job.done = true; return }
            // A magic found by chance cuts a block in two: the first piece fails, and is
            // decoded again joined to the next one. Which piece starts a real block is known
            // once the one before it decoded: until then this one waits (the one before may
            // be a first half that takes this one in).
            guard !job.endsStream, job.delivered == 0 else { job.failure = failure; return }
            while !cancelled && !job.absorbed {
                guard let i = jobs.firstIndex(where: { $0 === job }) else { break }
                if i == 0 || jobs[i - 1].done { break }
                if jobs[i - 1].failure != nil { job.failure = failure; return }
                cond.wait()
            }
            if job.absorbed || cancelled { return }
            var next: Job?
            while !cancelled {
                if let i = jobs.firstIndex(where: { $0 === job }), i + 1 < jobs.count { next = jobs[i + 1]; break }
                if producerDone { break }
                cond.wait()
            }
            guard let next, !cancelled else { job.failure = failure; return }
            next.absorbed = true
            jobs.removeAll { $0 === next }
            // next's bytes start at the byte holding job.endBit, at bit next.startBit.
            job.bytes = Array(job.bytes[0..<(job.endBit / 8)]) + next.bytes
            job.endBit = (job.endBit / 8) * 8 + next.endBit
            job.endsStream = next.endsStream
            job.streamCRC = next.streamCRC
        }
    }

    /// Hands decoded chunks to the reader, waiting while `chunkLimit` bytes wait; false when
    /// the piece was abandoned (cancelled, or joined into the one before it).
    private func publish(_ job: Job, _ chunks: [[UInt8]]) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        for c in chunks {
            while job.waiting >= Self.chunkLimit && !cancelled && !job.absorbed { cond.wait() }
            if cancelled || job.absorbed { return false }
            job.chunks.append(c); job.waiting += c.count; job.delivered += c.count
            cond.broadcast()
        }
        return true
    }

    /// Decodes the piece as a stream of its own; nil when it decoded whole (CRC checked).
    private func decodeOnce(_ job: Job) -> String? {
        var input = [UInt8](), acc: UInt64 = 0, nacc = 0
        input.reserveCapacity(job.bytes.count + 20)
        input += [0x42, 0x5A, 0x68, job.level]
        func put(_ v: UInt64, _ n: Int) {
            for i in stride(from: n - 1, through: 0, by: -1) {
                acc = acc << 1 | (v >> UInt64(i)) & 1
                nacc += 1
                if nacc == 8 { input.append(UInt8(acc)); acc = 0; nacc = 0 }
            }
        }
        let bytes = job.bytes, s = job.startBit, length = job.endBit - job.startBit
        let whole = length / 8
        bytes.withUnsafeBufferPointer { b in
            if s == 0 {
                input.append(contentsOf: b[0..<whole])
            } else {
                for k in 0..<whole { input.append(b[k] << UInt8(s) | b[k + 1] >> UInt8(8 - s)) }
            }
        }
        let rest = length % 8
        if rest > 0 {
            let k = whole
            let hi = bytes[k] << UInt8(s)
            let lo = s > 0 && k + 1 < bytes.count ? bytes[k + 1] >> UInt8(8 - s) : 0
            put(UInt64((hi | lo) >> UInt8(8 - rest)), rest)
        }
        put(Self.endMagic, 48)
        put(UInt64(job.blockCRC), 32)
        if nacc > 0 { put(0, 8 - nacc) }

        var strm = bz_stream()
        guard BZ2_bzDecompressInit(&strm, 0, 0) == BZ_OK else { return "cannot start libbz2" }
        defer { BZ2_bzDecompressEnd(&strm) }
        var held: [[UInt8]] = [], heldBytes = 0, streaming = false
        return input.withUnsafeMutableBufferPointer { inp -> String? in
            strm.next_in = UnsafeMutableRawPointer(inp.baseAddress!).assumingMemoryBound(to: CChar.self)
            strm.avail_in = UInt32(inp.count)
            while true {
                var out = [UInt8](repeating: 0, count: Self.chunkSize)
                var r: Int32 = 0
                let got = out.withUnsafeMutableBytes { o -> Int in
                    strm.next_out = o.baseAddress!.assumingMemoryBound(to: CChar.self)
                    strm.avail_out = UInt32(o.count)
                    r = BZ2_bzDecompress(&strm)
                    return o.count - Int(strm.avail_out)
                }
                if r != BZ_OK && r != BZ_STREAM_END {
                    return r == BZ_DATA_ERROR ? "a block is damaged (its CRC or its coding)" : "libbz2 error \(r) in a block"
                }
                if got > 0 {
                    out.removeLast(out.count - got)
                    // A block's bytes are kept until its CRC is checked (so that a piece cut
                    // by a chance magic hands out nothing and can be joined to the next),
                    // unless long runs make it larger than `chunkLimit`.
                    if streaming {
                        if !publish(job, [out]) { return nil }
                    } else {
                        held.append(out); heldBytes += got
                        if heldBytes > Self.chunkLimit {
                            streaming = true
                            if !publish(job, held) { return nil }
                            held = []
                        }
                    }
                }
                if r == BZ_STREAM_END { _ = publish(job, held); return nil }
                if got == 0 && strm.avail_in == 0 { return "a block ends early" }
            }
        }
    }
}
