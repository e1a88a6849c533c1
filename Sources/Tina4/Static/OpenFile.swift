import Glibc

extension StaticFiles {
    /// A regular file opened for serving; its facts come from `fstat` on the descriptor, so the
    /// file described is the file read even if the path is swapped meanwhile. Call ``close()`` once.
    struct OpenFile {
        let descriptor: Int32
        /// The name whose extension picks the content type: the URL's last segment, or `index.html`.
        let name: String
        let size: Int
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int64
        let inode: UInt64

        /// Opens `path` (already resolved, so a symlink in its last component is refused) and checks
        /// it is a regular file. `O_NONBLOCK` keeps a FIFO from blocking the open.
        static func open(_ path: String, name: String) -> DiskLookup {
            let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            guard descriptor >= 0 else { return errno == ENOENT ? .missing : .refused }
            var info = stat()
            guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                Glibc.close(descriptor)
                return .refused
            }
            let seconds = Int(info.st_mtim.tv_sec)
            let file = OpenFile(
                descriptor: descriptor,
                name: name,
                size: Int(info.st_size),
                modifiedSeconds: seconds,
                modifiedNanoseconds: Int64(seconds) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec),
                inode: UInt64(info.st_ino))
            return .found(file)
        }

        /// The bytes in `range`, or nil on a read error or when the file shrank since `fstat`.
        func read(_ range: ClosedRange<Int>) -> [UInt8]? {
            let count = range.count
            var failed = false
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                var done = 0
                while done < count, let base = buffer.baseAddress {
                    let got = pread(descriptor, base + done, count - done, off_t(range.lowerBound + done))
                    if got > 0 {
                        done += got
                    } else if got < 0, errno == EINTR {
                        continue
                    } else {
                        failed = got < 0
                        break
                    }
                }
                initialized = done
            }
            return failed || bytes.count != count ? nil : bytes
        }

        func close() {
            Glibc.close(descriptor)
        }
    }
}
