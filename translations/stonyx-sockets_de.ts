<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AdminServer</name>
    <message>
        <source>disconnected by an administrator</source>
        <translation>von einem Administrator getrennt</translation>
    </message>
</context>
<context>
    <name>ChatApp</name>
    <message>
        <source>A chat over Stonyx Sockets, written in QML.</source>
        <translation>Ein Chat über Stonyx Sockets, geschrieben in QML.</translation>
    </message>
    <message>
        <source>Host a chat server and join it.</source>
        <translation>Einen Chat-Server bereitstellen und ihm beitreten.</translation>
    </message>
    <message>
        <source>The port to host on (0 picks a free one).</source>
        <translation>Der Port für den Server (0 wählt einen freien).</translation>
    </message>
    <message>
        <source>Join the chat at &lt;url&gt;.</source>
        <translation>Dem Chat unter &lt;url&gt; beitreten.</translation>
    </message>
    <message>
        <source>Your nickname.</source>
        <translation>Ihr Spitzname.</translation>
    </message>
    <message>
        <source>The shared auth key.</source>
        <translation>Der gemeinsame Authentifizierungsschlüssel.</translation>
    </message>
    <message>
        <source>Send plain JSON frames.</source>
        <translation>Unverschlüsselte JSON-Frames senden.</translation>
    </message>
    <message>
        <source>Send &lt;text&gt; once connected.</source>
        <translation>&lt;text&gt; nach dem Verbinden senden.</translation>
    </message>
    <message>
        <source>Save a screenshot to &lt;file&gt;.</source>
        <translation>Ein Bildschirmfoto in &lt;file&gt; speichern.</translation>
    </message>
    <message>
        <source>Take the screenshot once &lt;n&gt; chat messages are shown.</source>
        <translation>Das Bildschirmfoto aufnehmen, sobald &lt;n&gt; Chat-Nachrichten angezeigt werden.</translation>
    </message>
</context>
<context>
    <name>DashboardWindow</name>
    <message>
        <source>Stonyx Sockets Dashboard</source>
        <translation>Stonyx-Sockets-Dashboard</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>0 picks a free port</source>
        <translation>0 wählt einen freien Port</translation>
    </message>
    <message>
        <source>Encryption</source>
        <translation>Verschlüsselung</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>Auth key:</source>
        <translation>Schlüssel:</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Authenticated</source>
        <translation>Authentifiziert</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>Requests from clients appear here.</source>
        <translation>Anfragen der Clients erscheinen hier.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>request name</source>
        <translation>Name der Anfrage</translation>
    </message>
    <message>
        <source>JSON data</source>
        <translation>JSON-Daten</translation>
    </message>
    <message>
        <source>Send to client</source>
        <translation>An Client senden</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>An alle senden</translation>
    </message>
    <message>
        <source>#%1 connected from %2</source>
        <translation>#%1 verbunden von %2</translation>
    </message>
    <message>
        <source>#%1 authenticated %2</source>
        <translation>#%1 authentifiziert %2</translation>
    </message>
    <message>
        <source>#%1 disconnected (code %2)</source>
        <translation>#%1 getrennt (Code %2)</translation>
    </message>
    <message>
        <source>#%1 disconnected (code %2: %3)</source>
        <translation>#%1 getrennt (Code %2: %3)</translation>
    </message>
    <message>
        <source>#%1 %2 %3</source>
        <translation>#%1 %2 %3</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Cannot start: %1</source>
        <translation>Start nicht möglich: %1</translation>
    </message>
    <message>
        <source>listening on %1</source>
        <translation>lauscht auf %1</translation>
    </message>
    <message>
        <source>Listening on %1 (encryption %2)</source>
        <translation>Lauscht auf %1 (Verschlüsselung %2)</translation>
    </message>
    <message>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Server stopped</source>
        <translation>Server gestoppt</translation>
    </message>
    <message>
        <source>The data is not valid JSON: %1</source>
        <translation>Die Daten sind kein gültiges JSON: %1</translation>
    </message>
    <message>
        <source>→ #%1 %2 %3</source>
        <translation>→ #%1 %2 %3</translation>
    </message>
    <message>
        <source>Client #%1 is gone</source>
        <translation>Client #%1 ist nicht mehr da</translation>
    </message>
    <message numerus="yes">
        <source>→ all (%n client(s)) %1 %2</source>
        <translation>
            <numerusform>→ alle (%n Client) %1 %2</numerusform>
            <numerusform>→ alle (%n Clients) %1 %2</numerusform>
        </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>screenshot saved to %1</source>
        <translation>Bildschirmfoto gespeichert in %1</translation>
    </message>
    <message>
        <source>could not save the screenshot to %1</source>
        <translation>Bildschirmfoto konnte nicht in %1 gespeichert werden</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message numerus="yes">
        <source>Listening on %1 — %n client(s)</source>
        <translation>
            <numerusform>Lauscht auf %1 — %n Client</numerusform>
            <numerusform>Lauscht auf %1 — %n Clients</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <source>A monitor for a Stonyx Sockets server.</source>
        <translation>Eine Überwachung für einen Stonyx-Sockets-Server.</translation>
    </message>
    <message>
        <source>The port to listen on.</source>
        <translation>Der Port, auf dem gelauscht wird.</translation>
    </message>
    <message>
        <source>The shared auth key.</source>
        <translation>Der gemeinsame Authentifizierungsschlüssel.</translation>
    </message>
    <message>
        <source>Send plain JSON frames.</source>
        <translation>Unverschlüsselte JSON-Frames senden.</translation>
    </message>
    <message>
        <source>Load handler plugins from &lt;dir&gt;.</source>
        <translation>Handler-Plugins aus &lt;dir&gt; laden.</translation>
    </message>
    <message>
        <source>Start the server right away.</source>
        <translation>Den Server sofort starten.</translation>
    </message>
    <message>
        <source>Send a ping command to every client that authenticates.</source>
        <translation>Jedem Client, der sich authentifiziert, einen Ping-Befehl senden.</translation>
    </message>
    <message>
        <source>Save a screenshot to &lt;file&gt;.</source>
        <translation>Ein Bildschirmfoto in &lt;file&gt; speichern.</translation>
    </message>
    <message>
        <source>Take the screenshot after &lt;n&gt; log entries.</source>
        <translation>Das Bildschirmfoto nach &lt;n&gt; Protokolleinträgen aufnehmen.</translation>
    </message>
    <message>
        <source>#%1 rejected: %2</source>
        <translation>#%1 abgewiesen: %2</translation>
    </message>
</context>
<context>
    <name>DeviceAgent</name>
    <message>
        <source>authenticated as %1</source>
        <translation>authentifiziert als %1</translation>
    </message>
    <message>
        <source>disconnected (code %1)</source>
        <translation>getrennt (Code %1)</translation>
    </message>
    <message>
        <source>disconnected (code %1: %2)</source>
        <translation>getrennt (Code %1: %2)</translation>
    </message>
    <message>
        <source>reconnecting in %1 ms (attempt %2)</source>
        <translation>neuer Verbindungsversuch in %1 ms (Versuch %2)</translation>
    </message>
    <message>
        <source>reconnected</source>
        <translation>wieder verbunden</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>telemetry #%1 acknowledged</source>
        <translation>Telemetrie #%1 bestätigt</translation>
    </message>
    <message>
        <source>device %1 connecting to %2</source>
        <translation>Gerät %1 verbindet sich mit %2</translation>
    </message>
    <message>
        <source>telemetry #%1 sent</source>
        <translation>Telemetrie #%1 gesendet</translation>
    </message>
    <message>
        <source>unknown command &quot;%1&quot;</source>
        <translation>unbekannter Befehl „%1“</translation>
    </message>
    <message>
        <source>command %1 (id %2): %3</source>
        <translation>Befehl %1 (ID %2): %3</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>A headless device agent: authenticates with its device id, sends telemetry, answers commands and reconnects when the server restarts.</source>
        <translation>Ein Geräteagent ohne Oberfläche: authentifiziert sich mit seiner Geräte-ID, sendet Telemetrie, beantwortet Befehle und verbindet sich nach einem Serverneustart wieder.</translation>
    </message>
    <message>
        <source>The server URL.</source>
        <translation>Die Server-URL.</translation>
    </message>
    <message>
        <source>The shared auth key.</source>
        <translation>Der gemeinsame Authentifizierungsschlüssel.</translation>
    </message>
    <message>
        <source>This device&apos;s id (default: the host name).</source>
        <translation>Die ID dieses Geräts (Standard: der Rechnername).</translation>
    </message>
    <message>
        <source>Milliseconds between telemetry messages.</source>
        <translation>Millisekunden zwischen Telemetrie-Nachrichten.</translation>
    </message>
    <message>
        <source>The request name telemetry is sent under.</source>
        <translation>Der Anfragename, unter dem die Telemetrie gesendet wird.</translation>
    </message>
    <message>
        <source>Send plain JSON frames.</source>
        <translation>Unverschlüsselte JSON-Frames senden.</translation>
    </message>
    <message>
        <source>--interval must be positive; --device-id and --telemetry-request must not be empty</source>
        <translation>--interval muss positiv sein; --device-id und --telemetry-request dürfen nicht leer sein</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Stonyx Chat</source>
        <translation>Stonyx-Chat</translation>
    </message>
    <message>
        <source>guest %1</source>
        <translation>Gast %1</translation>
    </message>
    <message>
        <source>Server error: %1</source>
        <translation>Serverfehler: %1</translation>
    </message>
    <message>
        <source>Joined %1 as %2</source>
        <translation>%1 beigetreten als %2</translation>
    </message>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Getrennt (%1)</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s (attempt %2)…</source>
        <translation>Neuer Verbindungsversuch in %1 s (Versuch %2) …</translation>
    </message>
    <message>
        <source>Nickname:</source>
        <translation>Spitzname:</translation>
    </message>
    <message>
        <source>ws://host:2667</source>
        <translation>ws://rechner:2667</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Beitreten</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Bereitstellen</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>Verlassen</translation>
    </message>
    <message>
        <source>Hosting on %1 — </source>
        <translation>Server auf %1 — </translation>
    </message>
    <message>
        <source>People (%1)</source>
        <translation>Personen (%1)</translation>
    </message>
    <message>
        <source> (you)</source>
        <translation> (Sie)</translation>
    </message>
    <message>
        <source>Type a message and press Enter</source>
        <translation>Nachricht eingeben und Eingabetaste drücken</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::Backplane</name>
    <message>
        <source>No error</source>
        <translation>Kein Fehler</translation>
    </message>
    <message>
        <source>The backplane&apos;s address or credentials are invalid</source>
        <translation>Adresse oder Zugangsdaten des Backplanes sind ungültig</translation>
    </message>
    <message>
        <source>The backplane cannot be reached</source>
        <translation>Das Backplane ist nicht erreichbar</translation>
    </message>
    <message>
        <source>The backplane refused a command</source>
        <translation>Das Backplane hat einen Befehl abgelehnt</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::FrameCipher</name>
    <message>
        <source>AES-256-GCM is not available from OpenSSL: %1</source>
        <translation>AES-256-GCM ist in OpenSSL nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Could not set the AES-256-GCM key: %1</source>
        <translation>Der AES-256-GCM-Schlüssel konnte nicht gesetzt werden: %1</translation>
    </message>
    <message>
        <source>An AES-256 key must be %1 bytes, not %2</source>
        <translation>Ein AES-256-Schlüssel muss %1 Bytes lang sein, nicht %2</translation>
    </message>
    <message>
        <source>The random number generator failed: %1</source>
        <translation>Der Zufallszahlengenerator ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No encryption key is set</source>
        <translation>Es ist kein Verschlüsselungsschlüssel gesetzt</translation>
    </message>
    <message>
        <source>The IV must be %1 bytes</source>
        <translation>Der IV muss %1 Bytes lang sein</translation>
    </message>
    <message>
        <source>The message is too large to encrypt</source>
        <translation>Die Nachricht ist zu groß zum Verschlüsseln</translation>
    </message>
    <message>
        <source>Encryption failed: %1</source>
        <translation>Verschlüsselung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No decryption key is set</source>
        <translation>Es ist kein Entschlüsselungsschlüssel gesetzt</translation>
    </message>
    <message>
        <source>The frame is %1 bytes, shorter than the %2 bytes of IV and tag</source>
        <translation>Der Frame ist %1 Bytes lang, kürzer als die %2 Bytes aus IV und Tag</translation>
    </message>
    <message>
        <source>The frame is too large to decrypt</source>
        <translation>Der Frame ist zu groß zum Entschlüsseln</translation>
    </message>
    <message>
        <source>The frame could not be decrypted</source>
        <translation>Der Frame konnte nicht entschlüsselt werden</translation>
    </message>
    <message>
        <source>The frame failed authentication (wrong key or altered data)</source>
        <translation>Der Frame hat die Authentifizierung nicht bestanden (falscher Schlüssel oder veränderte Daten)</translation>
    </message>
    <message>
        <source>scrypt key derivation failed: %1</source>
        <translation>Die scrypt-Schlüsselableitung ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::HandlerLoader</name>
    <message>
        <source>it is a Qt plugin with interface id &quot;%1&quot;, not &quot;%2&quot;</source>
        <translation>es ist ein Qt-Plugin mit der Schnittstellen-ID „%1“, nicht „%2“</translation>
    </message>
    <message>
        <source>its &quot;%1&quot; metadata is not a JSON object</source>
        <translation>seine „%1“-Metadaten sind kein JSON-Objekt</translation>
    </message>
    <message>
        <source>its metadata field &quot;%1&quot; must be true or false</source>
        <translation>sein Metadatenfeld „%1“ muss true oder false sein</translation>
    </message>
    <message>
        <source>its metadata field &quot;name&quot; must be a non-empty string</source>
        <translation>sein Metadatenfeld „name“ muss eine nicht leere Zeichenkette sein</translation>
    </message>
    <message>
        <source>Skipped: a handler named &quot;%1&quot; was already found</source>
        <translation>Übersprungen: Ein Handler namens „%1“ wurde bereits gefunden</translation>
    </message>
    <message>
        <source>Skipped static plugin: %1</source>
        <translation>Statisches Plugin übersprungen: %1</translation>
    </message>
    <message>
        <source>Skipped static plugin: it has no &quot;name&quot; in its metadata</source>
        <translation>Statisches Plugin übersprungen: Seine Metadaten haben keinen „name“</translation>
    </message>
    <message>
        <source>Skipped: not a shared library, so not a handler plugin</source>
        <translation>Übersprungen: keine gemeinsame Bibliothek, also kein Handler-Plugin</translation>
    </message>
    <message>
        <source>Skipped: not a Qt plugin (no plugin metadata)</source>
        <translation>Übersprungen: kein Qt-Plugin (keine Plugin-Metadaten)</translation>
    </message>
    <message>
        <source>Skipped: %1</source>
        <translation>Übersprungen: %1</translation>
    </message>
    <message>
        <source>Skipped: no handler name can be made from the file name</source>
        <translation>Übersprungen: Aus dem Dateinamen lässt sich kein Handlername bilden</translation>
    </message>
    <message>
        <source>Could not load the plugin: %1</source>
        <translation>Das Plugin konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Skipped: the plugin object does not implement Stonyx::Sockets::SocketHandler</source>
        <translation>Übersprungen: Das Plugin-Objekt implementiert Stonyx::Sockets::SocketHandler nicht</translation>
    </message>
    <message>
        <source>its metadata field &quot;%1&quot; must be &quot;%2&quot; or &quot;%3&quot;</source>
        <translation>sein Metadatenfeld „%1“ muss „%2“ oder „%3“ sein</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::HandlerRegistry</name>
    <message>
        <source>A handler needs a name and an object</source>
        <translation>Ein Handler braucht einen Namen und ein Objekt</translation>
    </message>
    <message>
        <source>A handler named &quot;%1&quot; is already registered</source>
        <translation>Ein Handler namens „%1“ ist bereits registriert</translation>
    </message>
    <message>
        <source>The handler &quot;%1&quot; has no function</source>
        <translation>Der Handler „%1“ hat keine Funktion</translation>
    </message>
    <message>
        <source>Skipped: a handler named &quot;%1&quot; is already registered</source>
        <translation>Übersprungen: Ein Handler namens „%1“ ist bereits registriert</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::JsonConversion</name>
    <message>
        <source>%1 is %2, which JSON cannot hold</source>
        <translation>%1 ist %2, was JSON nicht darstellen kann</translation>
    </message>
    <message>
        <source>%1 is a function, which cannot be sent</source>
        <translation>%1 ist eine Funktion, die nicht gesendet werden kann</translation>
    </message>
    <message>
        <source>%1 is a QObject, which cannot be sent</source>
        <translation>%1 ist ein QObject, das nicht gesendet werden kann</translation>
    </message>
    <message>
        <source>%1 cannot be converted to JSON</source>
        <translation>%1 kann nicht in JSON umgewandelt werden</translation>
    </message>
    <message>
        <source>%1 is nested more than %2 levels deep</source>
        <translation>%1 ist tiefer als %2 Ebenen verschachtelt</translation>
    </message>
    <message>
        <source>%1 refers back to itself (a cyclic structure cannot be sent)</source>
        <translation>%1 verweist auf sich selbst (eine zyklische Struktur kann nicht gesendet werden)</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::Message</name>
    <message>
        <source>invalid JSON: %1 at offset %2</source>
        <translation>ungültiges JSON: %1 an Position %2</translation>
    </message>
    <message>
        <source>the message is not a JSON object</source>
        <translation>die Nachricht ist kein JSON-Objekt</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketClient</name>
    <message>
        <source>Cannot connect: %1</source>
        <translation>Verbindung nicht möglich: %1</translation>
    </message>
    <message>
        <source>Cannot connect: authData must be an object</source>
        <translation>Verbindung nicht möglich: authData muss ein Objekt sein</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde …</translation>
    </message>
    <message>
        <source>Authenticating…</source>
        <translation>Authentifiziere …</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Reconnecting (attempt %1)…</source>
        <translation>Neuer Verbindungsversuch (Versuch %1) …</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2</source>
        <translation>„%1“ kann nicht gesendet werden: %2</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: the client is not active</source>
        <translation>„%1“ kann nicht gesendet werden: Der Client ist nicht aktiv</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: options.timeout must be a number of milliseconds</source>
        <translation>„%1“ kann nicht gesendet werden: options.timeout muss eine Zahl von Millisekunden sein</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketConnection</name>
    <message>
        <source>Cannot set the metadata field &quot;%1&quot;: %2</source>
        <translation>Das Metadatenfeld „%1“ kann nicht gesetzt werden: %2</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2</source>
        <translation>„%1“ kann nicht gesendet werden: %2</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketHandler</name>
    <message>
        <source>The handler &quot;%1&quot; received a request but its handleRequest is not a function</source>
        <translation>Der Handler „%1“ hat eine Anfrage erhalten, aber sein handleRequest ist keine Funktion</translation>
    </message>
    <message>
        <source>The handler &quot;%1&quot; threw an error: %2</source>
        <translation>Der Handler „%1“ hat einen Fehler ausgelöst: %2</translation>
    </message>
    <message>
        <source>The handler &quot;%1&quot; returned a value that cannot be sent: %2</source>
        <translation>Der Handler „%1“ hat einen Wert zurückgegeben, der nicht gesendet werden kann: %2</translation>
    </message>
    <message>
        <source>The reply to &quot;%1&quot; cannot be sent: %2</source>
        <translation>Die Antwort auf „%1“ kann nicht gesendet werden: %2</translation>
    </message>
    <message>
        <source>The reply to &quot;%1&quot; was rejected: %2</source>
        <translation>Die Antwort auf „%1“ wurde verworfen: %2</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketServer</name>
    <message>
        <source>invalid auth key</source>
        <translation>ungültiger Authentifizierungsschlüssel</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2</source>
        <translation>„%1“ kann nicht gesendet werden: %2</translation>
    </message>
    <message>
        <source>Invalid rateLimitPolicy %1: use SocketServer.Throttle or SocketServer.Close</source>
        <translation>Ungültige rateLimitPolicy %1: SocketServer.Throttle oder SocketServer.Close verwenden</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::RedisBackplane</name>
    <message>
        <source>Not a Redis URL of the form redis://[:password@]host:port[/db]: &quot;%1&quot;</source>
        <translation>Keine Redis-URL der Form redis://[:password@]host:port[/db]: „%1“</translation>
    </message>
    <message>
        <source>no answer from Redis within %1 ms</source>
        <translation>keine Antwort von Redis innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>Redis did not answer %1 PINGs</source>
        <translation>Redis hat %1 PINGs nicht beantwortet</translation>
    </message>
    <message>
        <source>Redis closed the connection</source>
        <translation>Redis hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <source>Redis sent what is not RESP: %1</source>
        <translation>Redis hat etwas gesendet, das kein RESP ist: %1</translation>
    </message>
    <message>
        <source>Redis sent a reply of more than %1 bytes</source>
        <translation>Redis hat eine Antwort von mehr als %1 Bytes gesendet</translation>
    </message>
    <message>
        <source>Redis sent an unexpected message on the subscription</source>
        <translation>Redis hat auf dem Abonnement eine unerwartete Nachricht gesendet</translation>
    </message>
    <message>
        <source>Redis sent a reply nothing was asked for</source>
        <translation>Redis hat eine Antwort gesendet, nach der nicht gefragt wurde</translation>
    </message>
    <message>
        <source>Redis refused the connection&apos;s setup: %1</source>
        <translation>Redis hat die Einrichtung der Verbindung abgelehnt: %1</translation>
    </message>
    <message>
        <source>Redis did not confirm SUBSCRIBE</source>
        <translation>Redis hat SUBSCRIBE nicht bestätigt</translation>
    </message>
    <message>
        <source>Redis did not answer PING with PONG</source>
        <translation>Redis hat PING nicht mit PONG beantwortet</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::ScriptCall</name>
    <message>
        <source>no JavaScript engine is available</source>
        <translation>keine JavaScript-Engine verfügbar</translation>
    </message>
    <message>
        <source>%1 is not a function</source>
        <translation>%1 ist keine Funktion</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::SocketClient</name>
    <message>
        <source>Connection to %1 failed: %2</source>
        <translation>Verbindung zu %1 fehlgeschlagen: %2</translation>
    </message>
    <message numerus="yes">
        <source>Gave up reconnecting to %1 after %n attempt(s)</source>
        <translation>
            <numerusform>Neue Verbindungsversuche zu %1 nach %n Versuch aufgegeben</numerusform>
            <numerusform>Neue Verbindungsversuche zu %1 nach %n Versuchen aufgegeben</numerusform>
        </translation>
    </message>
    <message>
        <source>Dropped a frame from the server: %1</source>
        <translation>Ein Frame des Servers wurde verworfen: %1</translation>
    </message>
    <message>
        <source>Dropped a message from the server: %1</source>
        <translation>Eine Nachricht des Servers wurde verworfen: %1</translation>
    </message>
    <message>
        <source>The server sent an invalid session key: %1</source>
        <translation>Der Server hat einen ungültigen Sitzungsschlüssel gesendet: %1</translation>
    </message>
    <message>
        <source>The server rejected the authentication (response %1)</source>
        <translation>Der Server hat die Authentifizierung abgelehnt (Antwort %1)</translation>
    </message>
    <message>
        <source>Configuration key &quot;address&quot; must be a ws:// or wss:// URL, not &quot;%1&quot;</source>
        <translation>Konfigurationsschlüssel „address“ muss eine ws://- oder wss://-URL sein, nicht „%1“</translation>
    </message>
    <message>
        <source>No PEM certificate could be read from %1 (configuration key &quot;tlsCaCertificates&quot;)</source>
        <translation>Aus %1 konnte kein PEM-Zertifikat gelesen werden (Konfigurationsschlüssel „tlsCaCertificates“)</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: not connected</source>
        <translation>„%1“ kann nicht gesendet werden: keine Verbindung</translation>
    </message>
    <message>
        <source>no heartbeat answer within %1 ms</source>
        <translation>keine Heartbeat-Antwort innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>Connection to %1 lost: %2</source>
        <translation>Verbindung zu %1 verloren: %2</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2 bytes would exceed the send buffer limit of %3 bytes (configuration key &quot;maxSendBuffer&quot;); %4 bytes are still waiting to be sent</source>
        <translation>„%1“ kann nicht gesendet werden: %2 Bytes würden das Limit des Sendepuffers von %3 Bytes überschreiten (Konfigurationsschlüssel „maxSendBuffer“); %4 Bytes warten noch auf das Senden</translation>
    </message>
    <message>
        <source>authentication rejected</source>
        <translation>Authentifizierung abgelehnt</translation>
    </message>
    <message>
        <source>no answer to the auth request within %1 ms</source>
        <translation>keine Antwort auf die Authentifizierungsanfrage innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>no WebSocket handshake within %1 ms</source>
        <translation>kein WebSocket-Handshake innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>the server is restarting</source>
        <translation>der Server startet neu</translation>
    </message>
    <message>
        <source>Request &quot;%1&quot; timed out: no response</source>
        <translation>Zeitüberschreitung bei Anfrage „%1“: keine Antwort</translation>
    </message>
    <message>
        <source>Request &quot;%1&quot; failed: the connection was lost before the response came</source>
        <translation>Anfrage „%1“ fehlgeschlagen: die Verbindung ging vor der Antwort verloren</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;</source>
        <translation>„%1“ kann nicht gesendet werden</translation>
    </message>
    <message>
        <source>&quot;%1&quot; was not delivered: the client was closed</source>
        <translation>„%1“ wurde nicht zugestellt: der Client wurde geschlossen</translation>
    </message>
    <message>
        <source>Cannot queue &quot;%1&quot;: the offline queue is full (configuration keys &quot;offlineQueueSize&quot; and &quot;offlineQueueBytes&quot;)</source>
        <translation>„%1“ kann nicht eingereiht werden: die Offline-Warteschlange ist voll (Konfigurationsschlüssel „offlineQueueSize“ und „offlineQueueBytes“)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; expired in the offline queue after %2 ms (configuration key &quot;offlineQueueTtl&quot;)</source>
        <translation>„%1“ ist nach %2 ms in der Offline-Warteschlange abgelaufen (Konfigurationsschlüssel „offlineQueueTtl“)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; was not delivered: the client gave up reconnecting</source>
        <translation>„%1“ wurde nicht zugestellt: der Client hat das Wiederverbinden aufgegeben</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::SocketConfig</name>
    <message>
        <source>Invalid value &quot;%1&quot; for %2 (configuration key &quot;%3&quot;)</source>
        <translation>Ungültiger Wert „%1“ für %2 (Konfigurationsschlüssel „%3“)</translation>
    </message>
    <message>
        <source>Unknown configuration key &quot;%1&quot;</source>
        <translation>Unbekannter Konfigurationsschlüssel „%1“</translation>
    </message>
    <message>
        <source>Invalid value %1 for configuration key &quot;%2&quot;</source>
        <translation>Ungültiger Wert %1 für den Konfigurationsschlüssel „%2“</translation>
    </message>
    <message>
        <source>Cannot read the configuration file %1: %2</source>
        <translation>Die Konfigurationsdatei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The configuration file %1 is not valid JSON: %2 at offset %3</source>
        <translation>Die Konfigurationsdatei %1 ist kein gültiges JSON: %2 an Position %3</translation>
    </message>
    <message>
        <source>The configuration file %1 must hold a JSON object</source>
        <translation>Die Konfigurationsdatei %1 muss ein JSON-Objekt enthalten</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Configuration key &quot;port&quot; must be between 0 and 65535, not %1</source>
        <translation>Konfigurationsschlüssel „port“ muss zwischen 0 und 65535 liegen, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;heartBeatInterval&quot; must be positive, not %1</source>
        <translation>Konfigurationsschlüssel „heartBeatInterval“ muss positiv sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;reconnectBaseDelay&quot; must not be negative, not %1</source>
        <translation>Konfigurationsschlüssel „reconnectBaseDelay“ darf nicht negativ sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;reconnectMaxDelay&quot; must not be negative, not %1</source>
        <translation>Konfigurationsschlüssel „reconnectMaxDelay“ darf nicht negativ sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;maxReconnectAttempts&quot; must be -1 (unlimited) or more, not %1</source>
        <translation>Konfigurationsschlüssel „maxReconnectAttempts“ muss -1 (unbegrenzt) oder größer sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;host&quot; must not be empty</source>
        <translation>Konfigurationsschlüssel „host“ darf nicht leer sein</translation>
    </message>
    <message>
        <source>Configuration keys &quot;maxMessageSize&quot;, &quot;maxFrameSize&quot; and &quot;maxSendBuffer&quot; must be positive</source>
        <translation>Die Konfigurationsschlüssel „maxMessageSize“, „maxFrameSize“ und „maxSendBuffer“ müssen positiv sein</translation>
    </message>
    <message>
        <source>Configuration key &quot;handshakeTimeout&quot; must be positive, not %1</source>
        <translation>Konfigurationsschlüssel „handshakeTimeout“ muss positiv sein, nicht %1</translation>
    </message>
    <message>
        <source>Limits (&quot;authTimeout&quot;, &quot;messageTimeout&quot;, &quot;maxUnauthenticated&quot;, &quot;maxUnauthenticatedPerAddress&quot;, &quot;rateLimit&quot;, &quot;idleHeartBeats&quot;) must not be negative</source>
        <translation>Grenzwerte („authTimeout“, „messageTimeout“, „maxUnauthenticated“, „maxUnauthenticatedPerAddress“, „rateLimit“, „idleHeartBeats“) dürfen nicht negativ sein</translation>
    </message>
    <message>
        <source>Configuration key &quot;rateBurst&quot; must be at least 1, not %1</source>
        <translation>Konfigurationsschlüssel „rateBurst“ muss mindestens 1 sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration keys &quot;tlsCertificate&quot; and &quot;tlsPrivateKey&quot; must be set together</source>
        <translation>Die Konfigurationsschlüssel „tlsCertificate“ und „tlsPrivateKey“ müssen zusammen gesetzt werden</translation>
    </message>
    <message>
        <source>Configuration key &quot;heartBeatTimeout&quot; must not be negative, not %1</source>
        <translation>Der Konfigurationsschlüssel „heartBeatTimeout“ darf nicht negativ sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;listenBacklog&quot; must be at least 1, not %1</source>
        <translation>Der Konfigurationsschlüssel „listenBacklog“ muss mindestens 1 sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;workerThreads&quot; must be between 0 (one per core) and 1024, not %1</source>
        <translation>Der Konfigurationsschlüssel „workerThreads“ muss zwischen 0 (einer pro Kern) und 1024 liegen, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;offlineQueueSize&quot; must not be negative, not %1</source>
        <translation>Konfigurationsschlüssel „offlineQueueSize“ darf nicht negativ sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;offlineQueueBytes&quot; must be positive, not %1</source>
        <translation>Konfigurationsschlüssel „offlineQueueBytes“ muss positiv sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;offlineQueueTtl&quot; must be positive, not %1</source>
        <translation>Konfigurationsschlüssel „offlineQueueTtl“ muss positiv sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;reconnectSpread&quot; must not be negative, not %1</source>
        <translation>Konfigurationsschlüssel „reconnectSpread“ darf nicht negativ sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;redisUrl&quot; must have the form redis://[:password@]host:port[/db], not &quot;%1&quot;</source>
        <translation>Konfigurationsschlüssel „redisUrl“ muss die Form redis://[:password@]host:port[/db] haben, nicht „%1“</translation>
    </message>
    <message>
        <source>The configuration file %1 is larger than %2 bytes</source>
        <translation>Die Konfigurationsdatei %1 ist größer als %2 Bytes</translation>
    </message>
    <message>
        <source>Configuration key &quot;resumeWindow&quot; must not be negative, not %1</source>
        <translation>Konfigurationsschlüssel „resumeWindow“ darf nicht negativ sein, nicht %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;resumeBuffer&quot; must not be negative, not %1</source>
        <translation>Konfigurationsschlüssel „resumeBuffer“ darf nicht negativ sein, nicht %1</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::SocketServer</name>
    <message>
        <source>No PEM certificate could be read from %1 (configuration key &quot;tlsCertificate&quot;)</source>
        <translation>Aus %1 konnte kein PEM-Zertifikat gelesen werden (Konfigurationsschlüssel „tlsCertificate“)</translation>
    </message>
    <message>
        <source>Cannot read the private key %1: %2</source>
        <translation>Der private Schlüssel %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 holds no RSA or EC private key in PEM form (configuration key &quot;tlsPrivateKey&quot;)</source>
        <translation>%1 enthält keinen privaten RSA- oder EC-Schlüssel im PEM-Format (Konfigurationsschlüssel „tlsPrivateKey“)</translation>
    </message>
    <message numerus="yes">
        <source>%n unauthenticated connection(s) open in total</source>
        <translation>
            <numerusform>%n nicht authentifizierte Verbindung insgesamt offen</numerusform>
            <numerusform>%n nicht authentifizierte Verbindungen insgesamt offen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unauthenticated connection(s) open from this address</source>
        <translation>
            <numerusform>%n nicht authentifizierte Verbindung von dieser Adresse offen</numerusform>
            <numerusform>%n nicht authentifizierte Verbindungen von dieser Adresse offen</numerusform>
        </translation>
    </message>
    <message>
        <source>Refused a connection from %1: %2</source>
        <translation>Verbindung von %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>message not complete within %1 ms</source>
        <translation>Nachricht nicht innerhalb von %1 ms vollständig</translation>
    </message>
    <message>
        <source>not authenticated within %1 ms</source>
        <translation>nicht innerhalb von %1 ms authentifiziert</translation>
    </message>
    <message>
        <source>no heartbeat or message for %1 ms</source>
        <translation>seit %1 ms kein Heartbeat und keine Nachricht</translation>
    </message>
    <message>
        <source>more than %1 messages per second</source>
        <translation>mehr als %1 Nachrichten pro Sekunde</translation>
    </message>
    <message>
        <source>invalid frame: %1</source>
        <translation>ungültiger Frame: %1</translation>
    </message>
    <message>
        <source>invalid message: %1</source>
        <translation>ungültige Nachricht: %1</translation>
    </message>
    <message>
        <source>request &quot;%1&quot; before authentication</source>
        <translation>Anfrage „%1“ vor der Authentifizierung</translation>
    </message>
    <message>
        <source>could not create a session key</source>
        <translation>Sitzungsschlüssel konnte nicht erzeugt werden</translation>
    </message>
    <message>
        <source>%1 bytes queued for a client that does not read (limit %2)</source>
        <translation>%1 Bytes für einen Client in der Warteschlange, der nicht liest (Grenze %2)</translation>
    </message>
    <message>
        <source>The server has no &quot;auth&quot; handler: add one to %1 or register one in code</source>
        <translation>Der Server hat keinen „auth“-Handler: Legen Sie einen in %1 ab oder registrieren Sie einen im Code</translation>
    </message>
    <message>
        <source>Configuration key &quot;host&quot; is not an IP address: &quot;%1&quot;</source>
        <translation>Konfigurationsschlüssel „host“ ist keine IP-Adresse: „%1“</translation>
    </message>
    <message>
        <source>Cannot listen on %1 port %2: %3</source>
        <translation>Lauschen auf %1 Port %2 nicht möglich: %3</translation>
    </message>
    <message>
        <source>server shutting down</source>
        <translation>Server wird beendet</translation>
    </message>
    <message>
        <source>A connection from %1 sent no WebSocket handshake within %2 ms</source>
        <translation>Eine Verbindung von %1 hat innerhalb von %2 ms keinen WebSocket-Handshake gesendet</translation>
    </message>
    <message>
        <source>No error</source>
        <translation>Kein Fehler</translation>
    </message>
    <message>
        <source>The configuration is invalid</source>
        <translation>Die Konfiguration ist ungültig</translation>
    </message>
    <message>
        <source>The server has no &quot;auth&quot; handler</source>
        <translation>Der Server hat keinen „auth“-Handler</translation>
    </message>
    <message>
        <source>A handler could not be registered or loaded</source>
        <translation>Ein Handler konnte nicht registriert oder geladen werden</translation>
    </message>
    <message>
        <source>The address could not be bound</source>
        <translation>Die Adresse konnte nicht gebunden werden</translation>
    </message>
    <message>
        <source>Key derivation or encryption failed</source>
        <translation>Schlüsselableitung oder Verschlüsselung fehlgeschlagen</translation>
    </message>
    <message>
        <source>A client sent invalid input</source>
        <translation>Ein Client hat ungültige Daten gesendet</translation>
    </message>
    <message>
        <source>A client used a handler before authenticating</source>
        <translation>Ein Client hat vor der Authentifizierung einen Handler benutzt</translation>
    </message>
    <message>
        <source>A client crossed a limit</source>
        <translation>Ein Client hat ein Limit überschritten</translation>
    </message>
    <message>
        <source>A client did not act in time</source>
        <translation>Ein Client hat nicht rechtzeitig reagiert</translation>
    </message>
    <message>
        <source>The TLS certificate or key could not be used</source>
        <translation>Das TLS-Zertifikat oder der Schlüssel konnte nicht verwendet werden</translation>
    </message>
    <message>
        <source>the connection resumed the session of client %1</source>
        <translation>die Verbindung hat die Sitzung von Client %1 fortgesetzt</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: not masked</source>
        <translation>ungültiger WebSocket-Frame: nicht maskiert</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: reserved bits set</source>
        <translation>ungültiger WebSocket-Frame: reservierte Bits gesetzt</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: reserved opcode</source>
        <translation>ungültiger WebSocket-Frame: reservierter Opcode</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a fragmented control frame</source>
        <translation>ungültiger WebSocket-Frame: ein fragmentierter Steuer-Frame</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a control frame over 125 bytes</source>
        <translation>ungültiger WebSocket-Frame: ein Steuer-Frame über 125 Bytes</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a continuation frame with no message begun</source>
        <translation>ungültiger WebSocket-Frame: ein Fortsetzungs-Frame ohne begonnene Nachricht</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a new message inside a fragmented one</source>
        <translation>ungültiger WebSocket-Frame: eine neue Nachricht innerhalb einer fragmentierten</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: invalid payload length</source>
        <translation>ungültiger WebSocket-Frame: ungültige Nutzdatenlänge</translation>
    </message>
    <message>
        <source>WebSocket frame too large</source>
        <translation>WebSocket-Frame zu groß</translation>
    </message>
    <message>
        <source>WebSocket message too large</source>
        <translation>WebSocket-Nachricht zu groß</translation>
    </message>
    <message>
        <source>invalid UTF-8 in a text message</source>
        <translation>ungültiges UTF-8 in einer Textnachricht</translation>
    </message>
    <message>
        <source>the request head is larger than %1 bytes</source>
        <translation>der Kopf der Anfrage ist größer als %1 Bytes</translation>
    </message>
    <message>
        <source>Origin %1 is not in allowedOrigins</source>
        <translation>Origin %1 ist nicht in allowedOrigins</translation>
    </message>
    <message>
        <source>invalid close frame: a payload of 1 byte</source>
        <translation>ungültiger Close-Frame: Nutzdaten von 1 Byte</translation>
    </message>
    <message>
        <source>invalid close frame: close code %1</source>
        <translation>ungültiger Close-Frame: Close-Code %1</translation>
    </message>
    <message>
        <source>invalid close frame: the reason is not UTF-8</source>
        <translation>ungültiger Close-Frame: der Grund ist kein UTF-8</translation>
    </message>
    <message>
        <source>the request has no request line</source>
        <translation>die Anfrage hat keine Anfragezeile</translation>
    </message>
    <message>
        <source>the request line is malformed</source>
        <translation>die Anfragezeile ist fehlerhaft</translation>
    </message>
    <message>
        <source>the request method is not GET</source>
        <translation>die Anfragemethode ist nicht GET</translation>
    </message>
    <message>
        <source>the request is not HTTP/1.1</source>
        <translation>die Anfrage ist nicht HTTP/1.1</translation>
    </message>
    <message>
        <source>the request head does not end with a blank line</source>
        <translation>der Kopf der Anfrage endet nicht mit einer Leerzeile</translation>
    </message>
    <message>
        <source>a request header line is malformed</source>
        <translation>eine Kopfzeile der Anfrage ist fehlerhaft</translation>
    </message>
    <message>
        <source>the request has no Host header</source>
        <translation>die Anfrage hat keinen Host-Header</translation>
    </message>
    <message>
        <source>the request does not ask to upgrade to WebSocket</source>
        <translation>die Anfrage verlangt kein Upgrade auf WebSocket</translation>
    </message>
    <message>
        <source>the request&apos;s Connection header does not hold Upgrade</source>
        <translation>der Connection-Header der Anfrage enthält nicht Upgrade</translation>
    </message>
    <message>
        <source>the request&apos;s Sec-WebSocket-Key is not 16 bytes in base64</source>
        <translation>der Sec-WebSocket-Key der Anfrage sind nicht 16 Bytes in Base64</translation>
    </message>
    <message>
        <source>the request asks for a WebSocket version other than 13</source>
        <translation>die Anfrage verlangt eine andere WebSocket-Version als 13</translation>
    </message>
    <message>
        <source>a request header holds a CR, LF or NUL character</source>
        <translation>ein Header der Anfrage enthält ein CR-, LF- oder NUL-Zeichen</translation>
    </message>
    <message>
        <source>the request has more than one Host header</source>
        <translation>die Anfrage hat mehr als einen Host-Header</translation>
    </message>
</context>
<context>
    <name>ToolSupport</name>
    <message>
        <source>Read settings from the JSON file &lt;file&gt; (keys as in the README).</source>
        <translation>Einstellungen aus der JSON-Datei &lt;file&gt; lesen (Schlüssel wie im README).</translation>
    </message>
    <message>
        <source>The shared auth key (default: SOCKET_AUTH_KEY or AUTH_KEY).</source>
        <translation>Der gemeinsame Authentifizierungsschlüssel (Standard: SOCKET_AUTH_KEY oder AUTH_KEY).</translation>
    </message>
    <message>
        <source>Send plain JSON text frames (the peer must agree).</source>
        <translation>Unverschlüsselte JSON-Text-Frames senden (die Gegenseite muss zustimmen).</translation>
    </message>
    <message>
        <source>not valid JSON (%1): %2</source>
        <translation>kein gültiges JSON (%1): %2</translation>
    </message>
    <message>
        <source>expected one JSON value: %1</source>
        <translation>genau ein JSON-Wert erwartet: %1</translation>
    </message>
    <message>
        <source>standard input</source>
        <translation>Standardeingabe</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 does not hold valid JSON (%2 at byte %3)</source>
        <translation>%1 enthält kein gültiges JSON (%2 bei Byte %3)</translation>
    </message>
    <message>
        <source>%1 does not hold exactly one JSON value</source>
        <translation>%1 enthält nicht genau einen JSON-Wert</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Stonyx Sockets quick start</source>
        <translation>Stonyx Sockets – Schnellstart</translation>
    </message>
    <message>
        <source>Echo: %1</source>
        <translation>Echo: %1</translation>
    </message>
</context>
<context>
    <name>stonyx-sockets-client</name>
    <message>
        <source>The server URL (default: SOCKET_ADDRESS or ws://localhost:2667).</source>
        <translation>Die Server-URL (Standard: SOCKET_ADDRESS oder ws://localhost:2667).</translation>
    </message>
    <message>
        <source>Send the request and exit without waiting for a response.</source>
        <translation>Die Anfrage senden und beenden, ohne auf eine Antwort zu warten.</translation>
    </message>
    <message>
        <source>expected a request name and optional JSON data; see --help</source>
        <translation>Anfragename und optionale JSON-Daten erwartet; siehe --help</translation>
    </message>
    <message>
        <source>invalid data: %1</source>
        <translation>ungültige Daten: %1</translation>
    </message>
    <message>
        <source>--auth-data must be a JSON object</source>
        <translation>--auth-data muss ein JSON-Objekt sein</translation>
    </message>
    <message>
        <source>--timeout must be a positive number of milliseconds</source>
        <translation>--timeout muss eine positive Anzahl Millisekunden sein</translation>
    </message>
    <message>
        <source>the server closed the connection (code %1)</source>
        <translation>der Server hat die Verbindung geschlossen (Code %1)</translation>
    </message>
    <message>
        <source>the server closed the connection (code %1: %2)</source>
        <translation>der Server hat die Verbindung geschlossen (Code %1: %2)</translation>
    </message>
    <message>
        <source>no response within %1 ms</source>
        <translation>keine Antwort innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>Connects to a Stonyx Sockets server, authenticates, sends one request and prints the
response as JSON on one line. With --listen it stays connected and prints every message
the server sends. Settings come from the SOCKET_* environment variables, a JSON file,
then these options.

Example: stonyx-sockets-client echo &apos;{&quot;msg&quot;:&quot;hi&quot;}&apos;</source>
        <translation>Verbindet sich mit einem Stonyx-Sockets-Server, authentifiziert sich, sendet eine Anfrage und gibt
die Antwort als JSON in einer Zeile aus. Mit --listen bleibt es verbunden und gibt jede Nachricht
des Servers aus. Einstellungen kommen aus den Umgebungsvariablen SOCKET_*, einer JSON-Datei
und dann aus diesen Optionen.

Beispiel: stonyx-sockets-client echo &apos;{&quot;msg&quot;:&quot;hi&quot;}&apos;</translation>
    </message>
    <message>
        <source>A JSON object of extra fields for the auth request; @file reads it from a file, - from standard input.</source>
        <translation>Ein JSON-Objekt mit zusätzlichen Feldern für die Authentifizierungsanfrage; @datei liest es aus einer Datei, - von der Standardeingabe.</translation>
    </message>
    <message>
        <source>Give up after &lt;ms&gt; milliseconds (default 10000). With --listen: stop listening after &lt;ms&gt; milliseconds (default: until SIGINT or SIGTERM).</source>
        <translation>Nach &lt;ms&gt; Millisekunden aufgeben (Standard 10000). Mit --listen: nach &lt;ms&gt; Millisekunden aufhören zuzuhören (Standard: bis SIGINT oder SIGTERM).</translation>
    </message>
    <message>
        <source>Stay connected after authenticating (and after the response, if a request is given) and print every message from the server as one JSON line {&quot;request&quot;:...,&quot;response&quot;:...} until SIGINT, SIGTERM or --timeout.</source>
        <translation>Nach der Authentifizierung (und nach der Antwort, falls eine Anfrage angegeben ist) verbunden bleiben und jede Nachricht des Servers als eine JSON-Zeile {&quot;request&quot;:...,&quot;response&quot;:...} ausgeben, bis SIGINT, SIGTERM oder --timeout.</translation>
    </message>
    <message>
        <source>The handler to call, e.g. echo (optional with --listen).</source>
        <translation>Der aufzurufende Handler, z. B. echo (optional mit --listen).</translation>
    </message>
    <message>
        <source>The request data as JSON, @file to read it from a file or - to read it from standard input (optional).</source>
        <translation>Die Anfragedaten als JSON, @datei, um sie aus einer Datei zu lesen, oder -, um sie von der Standardeingabe zu lesen (optional).</translation>
    </message>
    <message>
        <source>--listen and --no-reply exclude each other</source>
        <translation>--listen und --no-reply schließen einander aus</translation>
    </message>
    <message>
        <source>only one of the data and --auth-data can be read from standard input</source>
        <translation>nur eines von Daten und --auth-data kann von der Standardeingabe gelesen werden</translation>
    </message>
    <message>
        <source>invalid --auth-data: %1</source>
        <translation>ungültiges --auth-data: %1</translation>
    </message>
    <message>
        <source>interrupted by signal %1</source>
        <translation>durch Signal %1 unterbrochen</translation>
    </message>
</context>
<context>
    <name>stonyx-sockets-server</name>
    <message>
        <source>Serves Stonyx Sockets (protocol version 1) with the handler plugins of a directory.
Settings come from the SOCKET_* environment variables, a JSON file, then these options.</source>
        <translation>Stellt Stonyx Sockets (Protokollversion 1) mit den Handler-Plugins eines Verzeichnisses bereit.
Einstellungen kommen aus den Umgebungsvariablen SOCKET_*, einer JSON-Datei und dann aus diesen Optionen.</translation>
    </message>
    <message>
        <source>Listen on &lt;port&gt;; 0 picks a free port (default 2667).</source>
        <translation>Auf &lt;port&gt; lauschen; 0 wählt einen freien Port (Standard 2667).</translation>
    </message>
    <message>
        <source>Listen on the address &lt;host&gt; (default 127.0.0.1; &quot;any&quot; for every interface).</source>
        <translation>Auf der Adresse &lt;host&gt; lauschen (Standard 127.0.0.1; „any“ für alle Schnittstellen).</translation>
    </message>
    <message>
        <source>Load handler plugins from &lt;dir&gt;.</source>
        <translation>Handler-Plugins aus &lt;dir&gt; laden.</translation>
    </message>
    <message>
        <source>Heartbeat interval in milliseconds, for clients sharing this config.</source>
        <translation>Heartbeat-Intervall in Millisekunden, für Clients mit dieser Konfiguration.</translation>
    </message>
    <message>
        <source>unexpected argument: %1</source>
        <translation>unerwartetes Argument: %1</translation>
    </message>
    <message>
        <source>listening on %1</source>
        <translation>lauscht auf %1</translation>
    </message>
    <message>
        <source>Do not log connections, authentications and disconnections (as SOCKET_LOG=false).</source>
        <translation>Verbindungen, Authentifizierungen und Trennungen nicht protokollieren (wie SOCKET_LOG=false).</translation>
    </message>
    <message>
        <source>Join the cluster of servers that share the Redis backplane &lt;url&gt;, redis://[:password@]host:port[/db] (as SOCKET_REDIS_URL).</source>
        <translation>Dem Cluster der Server beitreten, die das Redis-Backplane &lt;url&gt; teilen, redis://[:password@]host:port[/db] (wie SOCKET_REDIS_URL).</translation>
    </message>
    <message>
        <source>Serve Prometheus metrics (/metrics) and the admin page (/admin) over HTTP on &lt;port&gt; of the listening host; 0 picks a free port (default: off).</source>
        <translation>Prometheus-Metriken (/metrics) und die Admin-Seite (/admin) per HTTP auf &lt;port&gt; des lauschenden Hosts bereitstellen; 0 wählt einen freien Port (Standard: aus).</translation>
    </message>
    <message>
        <source>Read the admin token from &lt;file&gt;: with it the admin page may disconnect clients (default: read-only).</source>
        <translation>Das Admin-Token aus &lt;file&gt; lesen: damit darf die Admin-Seite Clients trennen (Standard: nur lesen).</translation>
    </message>
    <message>
        <source>this build has no Redis backplane (hiredis was not found): &quot;redisUrl&quot; cannot be used</source>
        <translation>dieser Build hat kein Redis-Backplane (hiredis wurde nicht gefunden): „redisUrl“ kann nicht verwendet werden</translation>
    </message>
    <message>
        <source>cannot read the admin token file %1: %2</source>
        <translation>die Admin-Token-Datei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>the admin token file %1 is empty</source>
        <translation>die Admin-Token-Datei %1 ist leer</translation>
    </message>
    <message>
        <source>cannot serve metrics on port %1</source>
        <translation>Metriken können nicht auf Port %1 bereitgestellt werden</translation>
    </message>
    <message>
        <source>metrics on %1</source>
        <translation>Metriken auf %1</translation>
    </message>
    <message>
        <source>this build has no metrics endpoint (Qt HTTP Server was not found)</source>
        <translation>dieser Build hat keinen Metrik-Endpunkt (Qt HTTP Server wurde nicht gefunden)</translation>
    </message>
</context>
</TS>
