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
            embedded: EmbeddedAssets.publicFiles.mapValues { Array($0.utf8) })  // validated by ETag (content hash)
    }

    static func registerAll() {
        registerEcho()
        registerMirror()
        registerChat()
        registerPrivate()
        registerSecure()
        registerStatus()
        registerAnnouncements()
        registerChatRooms()
        registerLiveChat()
        registerRoom()
        registerNotifications()
        registerProject()
        registerPages()
    }
}
