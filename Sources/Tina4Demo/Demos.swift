import Glibc
import Tina4

/// Every demo route of the chapter, one file each.
@MainActor
enum Demos {
    /// Points templates and static files at the working directory, with the built-in copies
    /// (scripts/embed-assets) as fallbacks, then registers every route.
    static func configureAssets(for server: Server, configuration: ServerConfiguration) {
        Frond.shared = Frond(directory: configuration.templateDirectory, fallbacks: EmbeddedAssets.templates)
        server.staticFiles = StaticFiles(
            root: configuration.publicDirectory,
            embedded: EmbeddedAssets.publicFiles.mapValues { Array($0.utf8) },  // ETag: a hash of the content
            embeddedModified: builtInAssetsModified)
    }

    /// `Last-Modified` of the built-in files: the executable's modification time, read once. They
    /// are compiled into it, so they were last changed no later than that; a rebuild moves it
    /// (revalidation by ETag still answers 304 when the content is unchanged). 0 (none) if
    /// `/proc/self/exe` cannot be read.
    nonisolated static let builtInAssetsModified: Int = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return 0 }
        return min(Int(info.st_mtim.tv_sec), Int(time(nil)))
    }()

    static func registerAll() {
        registerEcho()
        registerMirror()
        registerChat()
        registerConnectionEvents()
        registerPrivate()
        registerSecure()
        registerStatus()
        registerAnnouncements()
        registerRelay()
        registerChatRooms()
        registerLiveChat()
        registerRoom()
        registerNotifications()
        registerProject()
        registerPages()
        registerDashboard()
    }
}
