<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>AdminServer</name>
    <message>
        <source>disconnected by an administrator</source>
        <translation>déconnecté par un administrateur</translation>
    </message>
</context>
<context>
    <name>ChatApp</name>
    <message>
        <source>A chat over Stonyx Sockets, written in QML.</source>
        <translation>Une messagerie sur Stonyx Sockets, écrite en QML.</translation>
    </message>
    <message>
        <source>Host a chat server and join it.</source>
        <translation>Héberger un serveur de discussion et le rejoindre.</translation>
    </message>
    <message>
        <source>The port to host on (0 picks a free one).</source>
        <translation>Le port d’écoute du serveur (0 en choisit un libre).</translation>
    </message>
    <message>
        <source>Join the chat at &lt;url&gt;.</source>
        <translation>Rejoindre la discussion à &lt;url&gt;.</translation>
    </message>
    <message>
        <source>Your nickname.</source>
        <translation>Votre pseudonyme.</translation>
    </message>
    <message>
        <source>The shared auth key.</source>
        <translation>La clé d’authentification partagée.</translation>
    </message>
    <message>
        <source>Send plain JSON frames.</source>
        <translation>Envoyer des trames JSON en clair.</translation>
    </message>
    <message>
        <source>Send &lt;text&gt; once connected.</source>
        <translation>Envoyer &lt;text&gt; une fois connecté.</translation>
    </message>
    <message>
        <source>Save a screenshot to &lt;file&gt;.</source>
        <translation>Enregistrer une capture d’écran dans &lt;file&gt;.</translation>
    </message>
    <message>
        <source>Take the screenshot once &lt;n&gt; chat messages are shown.</source>
        <translation>Prendre la capture d’écran dès que &lt;n&gt; messages sont affichés.</translation>
    </message>
</context>
<context>
    <name>DashboardWindow</name>
    <message>
        <source>Stonyx Sockets Dashboard</source>
        <translation>Tableau de bord Stonyx Sockets</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <source>0 picks a free port</source>
        <translation>0 choisit un port libre</translation>
    </message>
    <message>
        <source>Encryption</source>
        <translation>Chiffrement</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port :</translation>
    </message>
    <message>
        <source>Auth key:</source>
        <translation>Clé :</translation>
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
        <translation>Authentifié</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Métadonnées</translation>
    </message>
    <message>
        <source>Requests from clients appear here.</source>
        <translation>Les requêtes des clients s’affichent ici.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <source>request name</source>
        <translation>nom de la requête</translation>
    </message>
    <message>
        <source>JSON data</source>
        <translation>données JSON</translation>
    </message>
    <message>
        <source>Send to client</source>
        <translation>Envoyer au client</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>Diffuser</translation>
    </message>
    <message>
        <source>#%1 connected from %2</source>
        <translation>#%1 connecté depuis %2</translation>
    </message>
    <message>
        <source>#%1 authenticated %2</source>
        <translation>#%1 authentifié %2</translation>
    </message>
    <message>
        <source>#%1 disconnected (code %2)</source>
        <translation>#%1 déconnecté (code %2)</translation>
    </message>
    <message>
        <source>#%1 disconnected (code %2: %3)</source>
        <translation>#%1 déconnecté (code %2 : %3)</translation>
    </message>
    <message>
        <source>#%1 %2 %3</source>
        <translation>#%1 %2 %3</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>erreur : %1</translation>
    </message>
    <message>
        <source>Cannot start: %1</source>
        <translation>Démarrage impossible : %1</translation>
    </message>
    <message>
        <source>listening on %1</source>
        <translation>à l’écoute sur %1</translation>
    </message>
    <message>
        <source>Listening on %1 (encryption %2)</source>
        <translation>À l’écoute sur %1 (chiffrement %2)</translation>
    </message>
    <message>
        <source>on</source>
        <translation>activé</translation>
    </message>
    <message>
        <source>off</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>Server stopped</source>
        <translation>Serveur arrêté</translation>
    </message>
    <message>
        <source>The data is not valid JSON: %1</source>
        <translation>Les données ne sont pas du JSON valide : %1</translation>
    </message>
    <message>
        <source>→ #%1 %2 %3</source>
        <translation>→ #%1 %2 %3</translation>
    </message>
    <message>
        <source>Client #%1 is gone</source>
        <translation>Le client #%1 n’est plus là</translation>
    </message>
    <message numerus="yes">
        <source>→ all (%n client(s)) %1 %2</source>
        <translation>
            <numerusform>→ tous (%n client) %1 %2</numerusform>
            <numerusform>→ tous (%n clients) %1 %2</numerusform>
        </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>screenshot saved to %1</source>
        <translation>capture d’écran enregistrée dans %1</translation>
    </message>
    <message>
        <source>could not save the screenshot to %1</source>
        <translation>impossible d’enregistrer la capture d’écran dans %1</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message numerus="yes">
        <source>Listening on %1 — %n client(s)</source>
        <translation>
            <numerusform>À l’écoute sur %1 — %n client</numerusform>
            <numerusform>À l’écoute sur %1 — %n clients</numerusform>
        </translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Arrêté</translation>
    </message>
    <message>
        <source>A monitor for a Stonyx Sockets server.</source>
        <translation>Un moniteur pour un serveur Stonyx Sockets.</translation>
    </message>
    <message>
        <source>The port to listen on.</source>
        <translation>Le port d’écoute.</translation>
    </message>
    <message>
        <source>The shared auth key.</source>
        <translation>La clé d’authentification partagée.</translation>
    </message>
    <message>
        <source>Send plain JSON frames.</source>
        <translation>Envoyer des trames JSON en clair.</translation>
    </message>
    <message>
        <source>Load handler plugins from &lt;dir&gt;.</source>
        <translation>Charger les greffons de gestionnaires depuis &lt;dir&gt;.</translation>
    </message>
    <message>
        <source>Start the server right away.</source>
        <translation>Démarrer le serveur immédiatement.</translation>
    </message>
    <message>
        <source>Send a ping command to every client that authenticates.</source>
        <translation>Envoyer une commande ping à chaque client qui s’authentifie.</translation>
    </message>
    <message>
        <source>Save a screenshot to &lt;file&gt;.</source>
        <translation>Enregistrer une capture d’écran dans &lt;file&gt;.</translation>
    </message>
    <message>
        <source>Take the screenshot after &lt;n&gt; log entries.</source>
        <translation>Prendre la capture d’écran après &lt;n&gt; entrées du journal.</translation>
    </message>
    <message>
        <source>#%1 rejected: %2</source>
        <translation>#%1 refusé : %2</translation>
    </message>
</context>
<context>
    <name>DeviceAgent</name>
    <message>
        <source>authenticated as %1</source>
        <translation>authentifié en tant que %1</translation>
    </message>
    <message>
        <source>disconnected (code %1)</source>
        <translation>déconnecté (code %1)</translation>
    </message>
    <message>
        <source>disconnected (code %1: %2)</source>
        <translation>déconnecté (code %1 : %2)</translation>
    </message>
    <message>
        <source>reconnecting in %1 ms (attempt %2)</source>
        <translation>reconnexion dans %1 ms (tentative %2)</translation>
    </message>
    <message>
        <source>reconnected</source>
        <translation>reconnecté</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>erreur : %1</translation>
    </message>
    <message>
        <source>telemetry #%1 acknowledged</source>
        <translation>télémétrie n° %1 confirmée</translation>
    </message>
    <message>
        <source>device %1 connecting to %2</source>
        <translation>l’appareil %1 se connecte à %2</translation>
    </message>
    <message>
        <source>telemetry #%1 sent</source>
        <translation>télémétrie n° %1 envoyée</translation>
    </message>
    <message>
        <source>unknown command &quot;%1&quot;</source>
        <translation>commande « %1 » inconnue</translation>
    </message>
    <message>
        <source>command %1 (id %2): %3</source>
        <translation>commande %1 (id %2) : %3</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucune)</translation>
    </message>
    <message>
        <source>done</source>
        <translation>faite</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>refusée</translation>
    </message>
    <message>
        <source>A headless device agent: authenticates with its device id, sends telemetry, answers commands and reconnects when the server restarts.</source>
        <translation>Un agent d’appareil sans interface : il s’authentifie avec son identifiant, envoie sa télémétrie, répond aux commandes et se reconnecte quand le serveur redémarre.</translation>
    </message>
    <message>
        <source>The server URL.</source>
        <translation>L’URL du serveur.</translation>
    </message>
    <message>
        <source>The shared auth key.</source>
        <translation>La clé d’authentification partagée.</translation>
    </message>
    <message>
        <source>This device&apos;s id (default: the host name).</source>
        <translation>L’identifiant de cet appareil (par défaut : le nom d’hôte).</translation>
    </message>
    <message>
        <source>Milliseconds between telemetry messages.</source>
        <translation>Millisecondes entre deux messages de télémétrie.</translation>
    </message>
    <message>
        <source>The request name telemetry is sent under.</source>
        <translation>Le nom de requête sous lequel la télémétrie est envoyée.</translation>
    </message>
    <message>
        <source>Send plain JSON frames.</source>
        <translation>Envoyer des trames JSON en clair.</translation>
    </message>
    <message>
        <source>--interval must be positive; --device-id and --telemetry-request must not be empty</source>
        <translation>--interval doit être positif ; --device-id et --telemetry-request ne doivent pas être vides</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Stonyx Chat</source>
        <translation>Discussion Stonyx</translation>
    </message>
    <message>
        <source>guest %1</source>
        <translation>invité %1</translation>
    </message>
    <message>
        <source>Server error: %1</source>
        <translation>Erreur du serveur : %1</translation>
    </message>
    <message>
        <source>Joined %1 as %2</source>
        <translation>%1 rejoint en tant que %2</translation>
    </message>
    <message>
        <source>Disconnected (%1)</source>
        <translation>Déconnecté (%1)</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s (attempt %2)…</source>
        <translation>Reconnexion dans %1 s (tentative %2)…</translation>
    </message>
    <message>
        <source>Nickname:</source>
        <translation>Pseudonyme :</translation>
    </message>
    <message>
        <source>ws://host:2667</source>
        <translation>ws://hôte:2667</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Rejoindre</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Héberger</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Hosting on %1 — </source>
        <translation>Hébergé sur %1 — </translation>
    </message>
    <message>
        <source>People (%1)</source>
        <translation>Participants (%1)</translation>
    </message>
    <message>
        <source> (you)</source>
        <translation> (vous)</translation>
    </message>
    <message>
        <source>Type a message and press Enter</source>
        <translation>Tapez un message puis appuyez sur Entrée</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::Backplane</name>
    <message>
        <source>No error</source>
        <translation>Aucune erreur</translation>
    </message>
    <message>
        <source>The backplane&apos;s address or credentials are invalid</source>
        <translation>L&apos;adresse ou les identifiants du backplane ne sont pas valides</translation>
    </message>
    <message>
        <source>The backplane cannot be reached</source>
        <translation>Le backplane est injoignable</translation>
    </message>
    <message>
        <source>The backplane refused a command</source>
        <translation>Le backplane a refusé une commande</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::FrameCipher</name>
    <message>
        <source>AES-256-GCM is not available from OpenSSL: %1</source>
        <translation>AES-256-GCM n’est pas disponible dans OpenSSL : %1</translation>
    </message>
    <message>
        <source>Could not set the AES-256-GCM key: %1</source>
        <translation>Impossible de définir la clé AES-256-GCM : %1</translation>
    </message>
    <message>
        <source>An AES-256 key must be %1 bytes, not %2</source>
        <translation>Une clé AES-256 doit faire %1 octets, et non %2</translation>
    </message>
    <message>
        <source>The random number generator failed: %1</source>
        <translation>Le générateur de nombres aléatoires a échoué : %1</translation>
    </message>
    <message>
        <source>No encryption key is set</source>
        <translation>Aucune clé de chiffrement n’est définie</translation>
    </message>
    <message>
        <source>The IV must be %1 bytes</source>
        <translation>Le vecteur d’initialisation doit faire %1 octets</translation>
    </message>
    <message>
        <source>The message is too large to encrypt</source>
        <translation>Le message est trop grand pour être chiffré</translation>
    </message>
    <message>
        <source>Encryption failed: %1</source>
        <translation>Échec du chiffrement : %1</translation>
    </message>
    <message>
        <source>No decryption key is set</source>
        <translation>Aucune clé de déchiffrement n’est définie</translation>
    </message>
    <message>
        <source>The frame is %1 bytes, shorter than the %2 bytes of IV and tag</source>
        <translation>La trame fait %1 octets, moins que les %2 octets du vecteur d’initialisation et de l’étiquette</translation>
    </message>
    <message>
        <source>The frame is too large to decrypt</source>
        <translation>La trame est trop grande pour être déchiffrée</translation>
    </message>
    <message>
        <source>The frame could not be decrypted</source>
        <translation>La trame n’a pas pu être déchiffrée</translation>
    </message>
    <message>
        <source>The frame failed authentication (wrong key or altered data)</source>
        <translation>L’authentification de la trame a échoué (mauvaise clé ou données modifiées)</translation>
    </message>
    <message>
        <source>scrypt key derivation failed: %1</source>
        <translation>La dérivation de clé scrypt a échoué : %1</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::HandlerLoader</name>
    <message>
        <source>it is a Qt plugin with interface id &quot;%1&quot;, not &quot;%2&quot;</source>
        <translation>c’est un greffon Qt d’identifiant d’interface « %1 », et non « %2 »</translation>
    </message>
    <message>
        <source>its &quot;%1&quot; metadata is not a JSON object</source>
        <translation>ses métadonnées « %1 » ne sont pas un objet JSON</translation>
    </message>
    <message>
        <source>its metadata field &quot;%1&quot; must be true or false</source>
        <translation>son champ de métadonnées « %1 » doit valoir true ou false</translation>
    </message>
    <message>
        <source>its metadata field &quot;name&quot; must be a non-empty string</source>
        <translation>son champ de métadonnées « name » doit être une chaîne non vide</translation>
    </message>
    <message>
        <source>Skipped: a handler named &quot;%1&quot; was already found</source>
        <translation>Ignoré : un gestionnaire nommé « %1 » a déjà été trouvé</translation>
    </message>
    <message>
        <source>Skipped static plugin: %1</source>
        <translation>Greffon statique ignoré : %1</translation>
    </message>
    <message>
        <source>Skipped static plugin: it has no &quot;name&quot; in its metadata</source>
        <translation>Greffon statique ignoré : ses métadonnées n’ont pas de « name »</translation>
    </message>
    <message>
        <source>Skipped: not a shared library, so not a handler plugin</source>
        <translation>Ignoré : ce n’est pas une bibliothèque partagée, donc pas un greffon de gestionnaire</translation>
    </message>
    <message>
        <source>Skipped: not a Qt plugin (no plugin metadata)</source>
        <translation>Ignoré : ce n’est pas un greffon Qt (pas de métadonnées de greffon)</translation>
    </message>
    <message>
        <source>Skipped: %1</source>
        <translation>Ignoré : %1</translation>
    </message>
    <message>
        <source>Skipped: no handler name can be made from the file name</source>
        <translation>Ignoré : aucun nom de gestionnaire ne peut être tiré du nom de fichier</translation>
    </message>
    <message>
        <source>Could not load the plugin: %1</source>
        <translation>Impossible de charger le greffon : %1</translation>
    </message>
    <message>
        <source>Skipped: the plugin object does not implement Stonyx::Sockets::SocketHandler</source>
        <translation>Ignoré : l’objet du greffon n’implémente pas Stonyx::Sockets::SocketHandler</translation>
    </message>
    <message>
        <source>its metadata field &quot;%1&quot; must be &quot;%2&quot; or &quot;%3&quot;</source>
        <translation>son champ de métadonnées « %1 » doit valoir « %2 » ou « %3 »</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::HandlerRegistry</name>
    <message>
        <source>A handler needs a name and an object</source>
        <translation>Un gestionnaire a besoin d’un nom et d’un objet</translation>
    </message>
    <message>
        <source>A handler named &quot;%1&quot; is already registered</source>
        <translation>Un gestionnaire nommé « %1 » est déjà enregistré</translation>
    </message>
    <message>
        <source>The handler &quot;%1&quot; has no function</source>
        <translation>Le gestionnaire « %1 » n’a pas de fonction</translation>
    </message>
    <message>
        <source>Skipped: a handler named &quot;%1&quot; is already registered</source>
        <translation>Ignoré : un gestionnaire nommé « %1 » est déjà enregistré</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::JsonConversion</name>
    <message>
        <source>%1 is %2, which JSON cannot hold</source>
        <translation>%1 vaut %2, ce que JSON ne peut pas représenter</translation>
    </message>
    <message>
        <source>%1 is a function, which cannot be sent</source>
        <translation>%1 est une fonction, qui ne peut pas être envoyée</translation>
    </message>
    <message>
        <source>%1 is a QObject, which cannot be sent</source>
        <translation>%1 est un QObject, qui ne peut pas être envoyé</translation>
    </message>
    <message>
        <source>%1 cannot be converted to JSON</source>
        <translation>%1 ne peut pas être converti en JSON</translation>
    </message>
    <message>
        <source>%1 is nested more than %2 levels deep</source>
        <translation>%1 est imbriqué sur plus de %2 niveaux</translation>
    </message>
    <message>
        <source>%1 refers back to itself (a cyclic structure cannot be sent)</source>
        <translation>%1 fait référence à lui-même (une structure cyclique ne peut pas être envoyée)</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::Message</name>
    <message>
        <source>invalid JSON: %1 at offset %2</source>
        <translation>JSON invalide : %1 à la position %2</translation>
    </message>
    <message>
        <source>the message is not a JSON object</source>
        <translation>le message n’est pas un objet JSON</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketClient</name>
    <message>
        <source>Cannot connect: %1</source>
        <translation>Connexion impossible : %1</translation>
    </message>
    <message>
        <source>Cannot connect: authData must be an object</source>
        <translation>Connexion impossible : authData doit être un objet</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Déconnecté</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Authenticating…</source>
        <translation>Authentification…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>Reconnecting (attempt %1)…</source>
        <translation>Reconnexion (tentative %1)…</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Erreur : %1</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2</source>
        <translation>Impossible d’envoyer « %1 » : %2</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: the client is not active</source>
        <translation>Impossible d’envoyer « %1 » : le client n’est pas actif</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: options.timeout must be a number of milliseconds</source>
        <translation>Impossible d&apos;envoyer « %1 » : options.timeout doit être un nombre de millisecondes</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketConnection</name>
    <message>
        <source>Cannot set the metadata field &quot;%1&quot;: %2</source>
        <translation>Impossible de définir le champ de métadonnées « %1 » : %2</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2</source>
        <translation>Impossible d’envoyer « %1 » : %2</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketHandler</name>
    <message>
        <source>The handler &quot;%1&quot; received a request but its handleRequest is not a function</source>
        <translation>Le gestionnaire « %1 » a reçu une requête, mais son handleRequest n’est pas une fonction</translation>
    </message>
    <message>
        <source>The handler &quot;%1&quot; threw an error: %2</source>
        <translation>Le gestionnaire « %1 » a levé une erreur : %2</translation>
    </message>
    <message>
        <source>The handler &quot;%1&quot; returned a value that cannot be sent: %2</source>
        <translation>Le gestionnaire « %1 » a renvoyé une valeur qui ne peut pas être envoyée : %2</translation>
    </message>
    <message>
        <source>The reply to &quot;%1&quot; cannot be sent: %2</source>
        <translation>La réponse à « %1 » ne peut pas être envoyée : %2</translation>
    </message>
    <message>
        <source>The reply to &quot;%1&quot; was rejected: %2</source>
        <translation>La réponse à « %1 » a été rejetée : %2</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::QmlSocketServer</name>
    <message>
        <source>invalid auth key</source>
        <translation>clé d’authentification invalide</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2</source>
        <translation>Impossible d’envoyer « %1 » : %2</translation>
    </message>
    <message>
        <source>Invalid rateLimitPolicy %1: use SocketServer.Throttle or SocketServer.Close</source>
        <translation>rateLimitPolicy %1 non valide : utilisez SocketServer.Throttle ou SocketServer.Close</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::RedisBackplane</name>
    <message>
        <source>Not a Redis URL of the form redis://[:password@]host:port[/db]: &quot;%1&quot;</source>
        <translation>Pas une URL Redis de la forme redis://[:password@]host:port[/db] : « %1 »</translation>
    </message>
    <message>
        <source>no answer from Redis within %1 ms</source>
        <translation>pas de réponse de Redis en %1 ms</translation>
    </message>
    <message>
        <source>Redis did not answer %1 PINGs</source>
        <translation>Redis n&apos;a pas répondu à %1 PING</translation>
    </message>
    <message>
        <source>Redis closed the connection</source>
        <translation>Redis a fermé la connexion</translation>
    </message>
    <message>
        <source>Redis sent what is not RESP: %1</source>
        <translation>Redis a envoyé autre chose que du RESP : %1</translation>
    </message>
    <message>
        <source>Redis sent a reply of more than %1 bytes</source>
        <translation>Redis a envoyé une réponse de plus de %1 octets</translation>
    </message>
    <message>
        <source>Redis sent an unexpected message on the subscription</source>
        <translation>Redis a envoyé un message inattendu sur l&apos;abonnement</translation>
    </message>
    <message>
        <source>Redis sent a reply nothing was asked for</source>
        <translation>Redis a envoyé une réponse que rien n&apos;avait demandée</translation>
    </message>
    <message>
        <source>Redis refused the connection&apos;s setup: %1</source>
        <translation>Redis a refusé la mise en place de la connexion : %1</translation>
    </message>
    <message>
        <source>Redis did not confirm SUBSCRIBE</source>
        <translation>Redis n&apos;a pas confirmé SUBSCRIBE</translation>
    </message>
    <message>
        <source>Redis did not answer PING with PONG</source>
        <translation>Redis n&apos;a pas répondu PONG au PING</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::ScriptCall</name>
    <message>
        <source>no JavaScript engine is available</source>
        <translation>aucun moteur JavaScript n’est disponible</translation>
    </message>
    <message>
        <source>%1 is not a function</source>
        <translation>%1 n’est pas une fonction</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::SocketClient</name>
    <message>
        <source>Connection to %1 failed: %2</source>
        <translation>La connexion à %1 a échoué : %2</translation>
    </message>
    <message numerus="yes">
        <source>Gave up reconnecting to %1 after %n attempt(s)</source>
        <translation>
            <numerusform>Abandon de la reconnexion à %1 après %n tentative</numerusform>
            <numerusform>Abandon de la reconnexion à %1 après %n tentatives</numerusform>
        </translation>
    </message>
    <message>
        <source>Dropped a frame from the server: %1</source>
        <translation>Une trame du serveur a été écartée : %1</translation>
    </message>
    <message>
        <source>Dropped a message from the server: %1</source>
        <translation>Un message du serveur a été écarté : %1</translation>
    </message>
    <message>
        <source>The server sent an invalid session key: %1</source>
        <translation>Le serveur a envoyé une clé de session invalide : %1</translation>
    </message>
    <message>
        <source>The server rejected the authentication (response %1)</source>
        <translation>Le serveur a refusé l’authentification (réponse %1)</translation>
    </message>
    <message>
        <source>Configuration key &quot;address&quot; must be a ws:// or wss:// URL, not &quot;%1&quot;</source>
        <translation>La clé de configuration « address » doit être une URL ws:// ou wss://, et non « %1 »</translation>
    </message>
    <message>
        <source>No PEM certificate could be read from %1 (configuration key &quot;tlsCaCertificates&quot;)</source>
        <translation>Aucun certificat PEM n’a pu être lu dans %1 (clé de configuration « tlsCaCertificates »)</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: not connected</source>
        <translation>Impossible d’envoyer « %1 » : non connecté</translation>
    </message>
    <message>
        <source>no heartbeat answer within %1 ms</source>
        <translation>aucune réponse au heartbeat en %1 ms</translation>
    </message>
    <message>
        <source>Connection to %1 lost: %2</source>
        <translation>Connexion à %1 perdue : %2</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;: %2 bytes would exceed the send buffer limit of %3 bytes (configuration key &quot;maxSendBuffer&quot;); %4 bytes are still waiting to be sent</source>
        <translation>Impossible d’envoyer « %1 » : %2 octets dépasseraient la limite du tampon d’envoi de %3 octets (clé de configuration « maxSendBuffer ») ; %4 octets attendent encore d’être envoyés</translation>
    </message>
    <message>
        <source>authentication rejected</source>
        <translation>authentification refusée</translation>
    </message>
    <message>
        <source>no answer to the auth request within %1 ms</source>
        <translation>aucune réponse à la requête d’authentification en %1 ms</translation>
    </message>
    <message>
        <source>no WebSocket handshake within %1 ms</source>
        <translation>aucune poignée de main WebSocket en %1 ms</translation>
    </message>
    <message>
        <source>the server is restarting</source>
        <translation>le serveur redémarre</translation>
    </message>
    <message>
        <source>Request &quot;%1&quot; timed out: no response</source>
        <translation>Délai dépassé pour la requête « %1 » : aucune réponse</translation>
    </message>
    <message>
        <source>Request &quot;%1&quot; failed: the connection was lost before the response came</source>
        <translation>La requête « %1 » a échoué : la connexion a été perdue avant la réponse</translation>
    </message>
    <message>
        <source>Cannot send &quot;%1&quot;</source>
        <translation>Impossible d&apos;envoyer « %1 »</translation>
    </message>
    <message>
        <source>&quot;%1&quot; was not delivered: the client was closed</source>
        <translation>« %1 » n&apos;a pas été remis : le client a été fermé</translation>
    </message>
    <message>
        <source>Cannot queue &quot;%1&quot;: the offline queue is full (configuration keys &quot;offlineQueueSize&quot; and &quot;offlineQueueBytes&quot;)</source>
        <translation>Impossible de mettre « %1 » en file : la file hors ligne est pleine (clés de configuration « offlineQueueSize » et « offlineQueueBytes »)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; expired in the offline queue after %2 ms (configuration key &quot;offlineQueueTtl&quot;)</source>
        <translation>« %1 » a expiré dans la file hors ligne après %2 ms (clé de configuration « offlineQueueTtl »)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; was not delivered: the client gave up reconnecting</source>
        <translation>« %1 » n&apos;a pas été remis : le client a renoncé à se reconnecter</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::SocketConfig</name>
    <message>
        <source>Invalid value &quot;%1&quot; for %2 (configuration key &quot;%3&quot;)</source>
        <translation>Valeur « %1 » invalide pour %2 (clé de configuration « %3 »)</translation>
    </message>
    <message>
        <source>Unknown configuration key &quot;%1&quot;</source>
        <translation>Clé de configuration « %1 » inconnue</translation>
    </message>
    <message>
        <source>Invalid value %1 for configuration key &quot;%2&quot;</source>
        <translation>Valeur %1 invalide pour la clé de configuration « %2 »</translation>
    </message>
    <message>
        <source>Cannot read the configuration file %1: %2</source>
        <translation>Impossible de lire le fichier de configuration %1 : %2</translation>
    </message>
    <message>
        <source>The configuration file %1 is not valid JSON: %2 at offset %3</source>
        <translation>Le fichier de configuration %1 n’est pas du JSON valide : %2 à la position %3</translation>
    </message>
    <message>
        <source>The configuration file %1 must hold a JSON object</source>
        <translation>Le fichier de configuration %1 doit contenir un objet JSON</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>Configuration key &quot;port&quot; must be between 0 and 65535, not %1</source>
        <translation>La clé de configuration « port » doit être comprise entre 0 et 65535, et non %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;heartBeatInterval&quot; must be positive, not %1</source>
        <translation>La clé de configuration « heartBeatInterval » doit être positive, et non %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;reconnectBaseDelay&quot; must not be negative, not %1</source>
        <translation>La clé de configuration « reconnectBaseDelay » ne doit pas être négative, et non %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;reconnectMaxDelay&quot; must not be negative, not %1</source>
        <translation>La clé de configuration « reconnectMaxDelay » ne doit pas être négative, et non %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;maxReconnectAttempts&quot; must be -1 (unlimited) or more, not %1</source>
        <translation>La clé de configuration « maxReconnectAttempts » doit valoir -1 (illimité) ou plus, et non %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;host&quot; must not be empty</source>
        <translation>La clé de configuration « host » ne doit pas être vide</translation>
    </message>
    <message>
        <source>Configuration keys &quot;maxMessageSize&quot;, &quot;maxFrameSize&quot; and &quot;maxSendBuffer&quot; must be positive</source>
        <translation>Les clés de configuration « maxMessageSize », « maxFrameSize » et « maxSendBuffer » doivent être positives</translation>
    </message>
    <message>
        <source>Configuration key &quot;handshakeTimeout&quot; must be positive, not %1</source>
        <translation>La clé de configuration « handshakeTimeout » doit être positive, et non %1</translation>
    </message>
    <message>
        <source>Limits (&quot;authTimeout&quot;, &quot;messageTimeout&quot;, &quot;maxUnauthenticated&quot;, &quot;maxUnauthenticatedPerAddress&quot;, &quot;rateLimit&quot;, &quot;idleHeartBeats&quot;) must not be negative</source>
        <translation>Les limites (« authTimeout », « messageTimeout », « maxUnauthenticated », « maxUnauthenticatedPerAddress », « rateLimit », « idleHeartBeats ») ne doivent pas être négatives</translation>
    </message>
    <message>
        <source>Configuration key &quot;rateBurst&quot; must be at least 1, not %1</source>
        <translation>La clé de configuration « rateBurst » doit valoir au moins 1, et non %1</translation>
    </message>
    <message>
        <source>Configuration keys &quot;tlsCertificate&quot; and &quot;tlsPrivateKey&quot; must be set together</source>
        <translation>Les clés de configuration « tlsCertificate » et « tlsPrivateKey » doivent être définies ensemble</translation>
    </message>
    <message>
        <source>Configuration key &quot;heartBeatTimeout&quot; must not be negative, not %1</source>
        <translation>La clé de configuration « heartBeatTimeout » ne doit pas être négative, pas %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;listenBacklog&quot; must be at least 1, not %1</source>
        <translation>La clé de configuration « listenBacklog » doit valoir au moins 1, et non %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;workerThreads&quot; must be between 0 (one per core) and 1024, not %1</source>
        <translation>La clé de configuration « workerThreads » doit être comprise entre 0 (un par cœur) et 1024, et non %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;offlineQueueSize&quot; must not be negative, not %1</source>
        <translation>La clé de configuration « offlineQueueSize » ne doit pas être négative, pas %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;offlineQueueBytes&quot; must be positive, not %1</source>
        <translation>La clé de configuration « offlineQueueBytes » doit être positive, pas %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;offlineQueueTtl&quot; must be positive, not %1</source>
        <translation>La clé de configuration « offlineQueueTtl » doit être positive, pas %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;reconnectSpread&quot; must not be negative, not %1</source>
        <translation>La clé de configuration « reconnectSpread » ne doit pas être négative, pas %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;redisUrl&quot; must have the form redis://[:password@]host:port[/db], not &quot;%1&quot;</source>
        <translation>La clé de configuration « redisUrl » doit avoir la forme redis://[:password@]host:port[/db], pas « %1 »</translation>
    </message>
    <message>
        <source>The configuration file %1 is larger than %2 bytes</source>
        <translation>Le fichier de configuration %1 dépasse %2 octets</translation>
    </message>
    <message>
        <source>Configuration key &quot;resumeWindow&quot; must not be negative, not %1</source>
        <translation>La clé de configuration « resumeWindow » ne doit pas être négative, pas %1</translation>
    </message>
    <message>
        <source>Configuration key &quot;resumeBuffer&quot; must not be negative, not %1</source>
        <translation>La clé de configuration « resumeBuffer » ne doit pas être négative, pas %1</translation>
    </message>
</context>
<context>
    <name>Stonyx::Sockets::SocketServer</name>
    <message>
        <source>No PEM certificate could be read from %1 (configuration key &quot;tlsCertificate&quot;)</source>
        <translation>Aucun certificat PEM n’a pu être lu dans %1 (clé de configuration « tlsCertificate »)</translation>
    </message>
    <message>
        <source>Cannot read the private key %1: %2</source>
        <translation>Impossible de lire la clé privée %1 : %2</translation>
    </message>
    <message>
        <source>%1 holds no RSA or EC private key in PEM form (configuration key &quot;tlsPrivateKey&quot;)</source>
        <translation>%1 ne contient aucune clé privée RSA ou EC au format PEM (clé de configuration « tlsPrivateKey »)</translation>
    </message>
    <message numerus="yes">
        <source>%n unauthenticated connection(s) open in total</source>
        <translation>
            <numerusform>%n connexion non authentifiée ouverte au total</numerusform>
            <numerusform>%n connexions non authentifiées ouvertes au total</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unauthenticated connection(s) open from this address</source>
        <translation>
            <numerusform>%n connexion non authentifiée ouverte depuis cette adresse</numerusform>
            <numerusform>%n connexions non authentifiées ouvertes depuis cette adresse</numerusform>
        </translation>
    </message>
    <message>
        <source>Refused a connection from %1: %2</source>
        <translation>Connexion de %1 refusée : %2</translation>
    </message>
    <message>
        <source>message not complete within %1 ms</source>
        <translation>message incomplet au bout de %1 ms</translation>
    </message>
    <message>
        <source>not authenticated within %1 ms</source>
        <translation>non authentifié au bout de %1 ms</translation>
    </message>
    <message>
        <source>no heartbeat or message for %1 ms</source>
        <translation>aucun battement de cœur ni message depuis %1 ms</translation>
    </message>
    <message>
        <source>more than %1 messages per second</source>
        <translation>plus de %1 messages par seconde</translation>
    </message>
    <message>
        <source>invalid frame: %1</source>
        <translation>trame invalide : %1</translation>
    </message>
    <message>
        <source>invalid message: %1</source>
        <translation>message invalide : %1</translation>
    </message>
    <message>
        <source>request &quot;%1&quot; before authentication</source>
        <translation>requête « %1 » avant l’authentification</translation>
    </message>
    <message>
        <source>could not create a session key</source>
        <translation>impossible de créer une clé de session</translation>
    </message>
    <message>
        <source>%1 bytes queued for a client that does not read (limit %2)</source>
        <translation>%1 octets en attente pour un client qui ne lit pas (limite %2)</translation>
    </message>
    <message>
        <source>The server has no &quot;auth&quot; handler: add one to %1 or register one in code</source>
        <translation>Le serveur n’a pas de gestionnaire « auth » : ajoutez-en un dans %1 ou enregistrez-en un dans le code</translation>
    </message>
    <message>
        <source>Configuration key &quot;host&quot; is not an IP address: &quot;%1&quot;</source>
        <translation>La clé de configuration « host » n’est pas une adresse IP : « %1 »</translation>
    </message>
    <message>
        <source>Cannot listen on %1 port %2: %3</source>
        <translation>Impossible d’écouter sur %1 port %2 : %3</translation>
    </message>
    <message>
        <source>server shutting down</source>
        <translation>arrêt du serveur</translation>
    </message>
    <message>
        <source>A connection from %1 sent no WebSocket handshake within %2 ms</source>
        <translation>Une connexion depuis %1 n’a envoyé aucune poignée de main WebSocket en %2 ms</translation>
    </message>
    <message>
        <source>No error</source>
        <translation>Aucune erreur</translation>
    </message>
    <message>
        <source>The configuration is invalid</source>
        <translation>La configuration n’est pas valide</translation>
    </message>
    <message>
        <source>The server has no &quot;auth&quot; handler</source>
        <translation>Le serveur n’a pas de gestionnaire « auth »</translation>
    </message>
    <message>
        <source>A handler could not be registered or loaded</source>
        <translation>Un gestionnaire n’a pas pu être enregistré ou chargé</translation>
    </message>
    <message>
        <source>The address could not be bound</source>
        <translation>L’adresse n’a pas pu être liée</translation>
    </message>
    <message>
        <source>Key derivation or encryption failed</source>
        <translation>La dérivation de clé ou le chiffrement a échoué</translation>
    </message>
    <message>
        <source>A client sent invalid input</source>
        <translation>Un client a envoyé des données non valides</translation>
    </message>
    <message>
        <source>A client used a handler before authenticating</source>
        <translation>Un client a utilisé un gestionnaire avant de s’authentifier</translation>
    </message>
    <message>
        <source>A client crossed a limit</source>
        <translation>Un client a dépassé une limite</translation>
    </message>
    <message>
        <source>A client did not act in time</source>
        <translation>Un client n’a pas agi à temps</translation>
    </message>
    <message>
        <source>The TLS certificate or key could not be used</source>
        <translation>Le certificat ou la clé TLS n’a pas pu être utilisé</translation>
    </message>
    <message>
        <source>the connection resumed the session of client %1</source>
        <translation>la connexion a repris la session du client %1</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: not masked</source>
        <translation>trame WebSocket invalide : non masquée</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: reserved bits set</source>
        <translation>trame WebSocket invalide : bits réservés positionnés</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: reserved opcode</source>
        <translation>trame WebSocket invalide : opcode réservé</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a fragmented control frame</source>
        <translation>trame WebSocket invalide : une trame de contrôle fragmentée</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a control frame over 125 bytes</source>
        <translation>trame WebSocket invalide : une trame de contrôle de plus de 125 octets</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a continuation frame with no message begun</source>
        <translation>trame WebSocket invalide : une trame de continuation sans message commencé</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: a new message inside a fragmented one</source>
        <translation>trame WebSocket invalide : un nouveau message à l&apos;intérieur d&apos;un message fragmenté</translation>
    </message>
    <message>
        <source>invalid WebSocket frame: invalid payload length</source>
        <translation>trame WebSocket invalide : longueur de charge utile invalide</translation>
    </message>
    <message>
        <source>WebSocket frame too large</source>
        <translation>trame WebSocket trop grande</translation>
    </message>
    <message>
        <source>WebSocket message too large</source>
        <translation>message WebSocket trop grand</translation>
    </message>
    <message>
        <source>invalid UTF-8 in a text message</source>
        <translation>UTF-8 invalide dans un message texte</translation>
    </message>
    <message>
        <source>the request head is larger than %1 bytes</source>
        <translation>l&apos;en-tête de la requête dépasse %1 octets</translation>
    </message>
    <message>
        <source>Origin %1 is not in allowedOrigins</source>
        <translation>l&apos;origine %1 n&apos;est pas dans allowedOrigins</translation>
    </message>
    <message>
        <source>invalid close frame: a payload of 1 byte</source>
        <translation>trame de fermeture invalide : une charge utile d&apos;un octet</translation>
    </message>
    <message>
        <source>invalid close frame: close code %1</source>
        <translation>trame de fermeture invalide : code de fermeture %1</translation>
    </message>
    <message>
        <source>invalid close frame: the reason is not UTF-8</source>
        <translation>trame de fermeture invalide : la raison n&apos;est pas en UTF-8</translation>
    </message>
    <message>
        <source>the request has no request line</source>
        <translation>la requête n&apos;a pas de ligne de requête</translation>
    </message>
    <message>
        <source>the request line is malformed</source>
        <translation>la ligne de requête est mal formée</translation>
    </message>
    <message>
        <source>the request method is not GET</source>
        <translation>la méthode de la requête n&apos;est pas GET</translation>
    </message>
    <message>
        <source>the request is not HTTP/1.1</source>
        <translation>la requête n&apos;est pas en HTTP/1.1</translation>
    </message>
    <message>
        <source>the request head does not end with a blank line</source>
        <translation>l&apos;en-tête de la requête ne se termine pas par une ligne vide</translation>
    </message>
    <message>
        <source>a request header line is malformed</source>
        <translation>une ligne d&apos;en-tête de la requête est mal formée</translation>
    </message>
    <message>
        <source>the request has no Host header</source>
        <translation>la requête n&apos;a pas d&apos;en-tête Host</translation>
    </message>
    <message>
        <source>the request does not ask to upgrade to WebSocket</source>
        <translation>la requête ne demande pas le passage à WebSocket</translation>
    </message>
    <message>
        <source>the request&apos;s Connection header does not hold Upgrade</source>
        <translation>l&apos;en-tête Connection de la requête ne contient pas Upgrade</translation>
    </message>
    <message>
        <source>the request&apos;s Sec-WebSocket-Key is not 16 bytes in base64</source>
        <translation>le Sec-WebSocket-Key de la requête ne fait pas 16 octets en base64</translation>
    </message>
    <message>
        <source>the request asks for a WebSocket version other than 13</source>
        <translation>la requête demande une version de WebSocket autre que 13</translation>
    </message>
    <message>
        <source>a request header holds a CR, LF or NUL character</source>
        <translation>un en-tête de la requête contient un caractère CR, LF ou NUL</translation>
    </message>
    <message>
        <source>the request has more than one Host header</source>
        <translation>la requête a plus d&apos;un en-tête Host</translation>
    </message>
</context>
<context>
    <name>ToolSupport</name>
    <message>
        <source>Read settings from the JSON file &lt;file&gt; (keys as in the README).</source>
        <translation>Lire les réglages dans le fichier JSON &lt;file&gt; (clés comme dans le README).</translation>
    </message>
    <message>
        <source>The shared auth key (default: SOCKET_AUTH_KEY or AUTH_KEY).</source>
        <translation>La clé d’authentification partagée (par défaut : SOCKET_AUTH_KEY ou AUTH_KEY).</translation>
    </message>
    <message>
        <source>Send plain JSON text frames (the peer must agree).</source>
        <translation>Envoyer des trames texte JSON en clair (le pair doit faire de même).</translation>
    </message>
    <message>
        <source>not valid JSON (%1): %2</source>
        <translation>JSON invalide (%1) : %2</translation>
    </message>
    <message>
        <source>expected one JSON value: %1</source>
        <translation>une seule valeur JSON attendue : %1</translation>
    </message>
    <message>
        <source>standard input</source>
        <translation>l’entrée standard</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>%1 does not hold valid JSON (%2 at byte %3)</source>
        <translation>%1 ne contient pas de JSON valide (%2 à l’octet %3)</translation>
    </message>
    <message>
        <source>%1 does not hold exactly one JSON value</source>
        <translation>%1 ne contient pas exactement une valeur JSON</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Stonyx Sockets quick start</source>
        <translation>Démarrage rapide de Stonyx Sockets</translation>
    </message>
    <message>
        <source>Echo: %1</source>
        <translation>Écho : %1</translation>
    </message>
</context>
<context>
    <name>stonyx-sockets-client</name>
    <message>
        <source>The server URL (default: SOCKET_ADDRESS or ws://localhost:2667).</source>
        <translation>L’URL du serveur (par défaut : SOCKET_ADDRESS ou ws://localhost:2667).</translation>
    </message>
    <message>
        <source>Send the request and exit without waiting for a response.</source>
        <translation>Envoyer la requête et quitter sans attendre de réponse.</translation>
    </message>
    <message>
        <source>expected a request name and optional JSON data; see --help</source>
        <translation>nom de requête et données JSON facultatives attendus ; voir --help</translation>
    </message>
    <message>
        <source>invalid data: %1</source>
        <translation>données invalides : %1</translation>
    </message>
    <message>
        <source>--auth-data must be a JSON object</source>
        <translation>--auth-data doit être un objet JSON</translation>
    </message>
    <message>
        <source>--timeout must be a positive number of milliseconds</source>
        <translation>--timeout doit être un nombre positif de millisecondes</translation>
    </message>
    <message>
        <source>the server closed the connection (code %1)</source>
        <translation>le serveur a fermé la connexion (code %1)</translation>
    </message>
    <message>
        <source>the server closed the connection (code %1: %2)</source>
        <translation>le serveur a fermé la connexion (code %1 : %2)</translation>
    </message>
    <message>
        <source>no response within %1 ms</source>
        <translation>aucune réponse en %1 ms</translation>
    </message>
    <message>
        <source>Connects to a Stonyx Sockets server, authenticates, sends one request and prints the
response as JSON on one line. With --listen it stays connected and prints every message
the server sends. Settings come from the SOCKET_* environment variables, a JSON file,
then these options.

Example: stonyx-sockets-client echo &apos;{&quot;msg&quot;:&quot;hi&quot;}&apos;</source>
        <translation>Se connecte à un serveur Stonyx Sockets, s’authentifie, envoie une requête et affiche la
réponse en JSON sur une ligne. Avec --listen, il reste connecté et affiche chaque message
envoyé par le serveur. Les réglages viennent des variables d’environnement SOCKET_*, d’un
fichier JSON, puis de ces options.

Exemple : stonyx-sockets-client echo &apos;{&quot;msg&quot;:&quot;hi&quot;}&apos;</translation>
    </message>
    <message>
        <source>A JSON object of extra fields for the auth request; @file reads it from a file, - from standard input.</source>
        <translation>Un objet JSON de champs supplémentaires pour la requête d’authentification ; @fichier le lit dans un fichier, - sur l’entrée standard.</translation>
    </message>
    <message>
        <source>Give up after &lt;ms&gt; milliseconds (default 10000). With --listen: stop listening after &lt;ms&gt; milliseconds (default: until SIGINT or SIGTERM).</source>
        <translation>Abandonner après &lt;ms&gt; millisecondes (10000 par défaut). Avec --listen : arrêter d’écouter après &lt;ms&gt; millisecondes (par défaut : jusqu’à SIGINT ou SIGTERM).</translation>
    </message>
    <message>
        <source>Stay connected after authenticating (and after the response, if a request is given) and print every message from the server as one JSON line {&quot;request&quot;:...,&quot;response&quot;:...} until SIGINT, SIGTERM or --timeout.</source>
        <translation>Rester connecté après l’authentification (et après la réponse, si une requête est donnée) et afficher chaque message du serveur sur une ligne JSON {&quot;request&quot;:...,&quot;response&quot;:...} jusqu’à SIGINT, SIGTERM ou --timeout.</translation>
    </message>
    <message>
        <source>The handler to call, e.g. echo (optional with --listen).</source>
        <translation>Le gestionnaire à appeler, par exemple echo (facultatif avec --listen).</translation>
    </message>
    <message>
        <source>The request data as JSON, @file to read it from a file or - to read it from standard input (optional).</source>
        <translation>Les données de la requête en JSON, @fichier pour les lire dans un fichier ou - pour les lire sur l’entrée standard (facultatif).</translation>
    </message>
    <message>
        <source>--listen and --no-reply exclude each other</source>
        <translation>--listen et --no-reply s’excluent mutuellement</translation>
    </message>
    <message>
        <source>only one of the data and --auth-data can be read from standard input</source>
        <translation>seul l’un des deux, les données ou --auth-data, peut être lu sur l’entrée standard</translation>
    </message>
    <message>
        <source>invalid --auth-data: %1</source>
        <translation>--auth-data non valide : %1</translation>
    </message>
    <message>
        <source>interrupted by signal %1</source>
        <translation>interrompu par le signal %1</translation>
    </message>
</context>
<context>
    <name>stonyx-sockets-server</name>
    <message>
        <source>Serves Stonyx Sockets (protocol version 1) with the handler plugins of a directory.
Settings come from the SOCKET_* environment variables, a JSON file, then these options.</source>
        <translation>Sert Stonyx Sockets (version 1 du protocole) avec les greffons de gestionnaires d’un répertoire.
Les réglages viennent des variables d’environnement SOCKET_*, d’un fichier JSON, puis de ces options.</translation>
    </message>
    <message>
        <source>Listen on &lt;port&gt;; 0 picks a free port (default 2667).</source>
        <translation>Écouter sur &lt;port&gt; ; 0 choisit un port libre (2667 par défaut).</translation>
    </message>
    <message>
        <source>Listen on the address &lt;host&gt; (default 127.0.0.1; &quot;any&quot; for every interface).</source>
        <translation>Écouter sur l’adresse &lt;host&gt; (127.0.0.1 par défaut ; « any » pour toutes les interfaces).</translation>
    </message>
    <message>
        <source>Load handler plugins from &lt;dir&gt;.</source>
        <translation>Charger les greffons de gestionnaires depuis &lt;dir&gt;.</translation>
    </message>
    <message>
        <source>Heartbeat interval in milliseconds, for clients sharing this config.</source>
        <translation>Intervalle des battements de cœur en millisecondes, pour les clients partageant cette configuration.</translation>
    </message>
    <message>
        <source>unexpected argument: %1</source>
        <translation>argument inattendu : %1</translation>
    </message>
    <message>
        <source>listening on %1</source>
        <translation>à l’écoute sur %1</translation>
    </message>
    <message>
        <source>Do not log connections, authentications and disconnections (as SOCKET_LOG=false).</source>
        <translation>Ne pas journaliser les connexions, authentifications et déconnexions (comme SOCKET_LOG=false).</translation>
    </message>
    <message>
        <source>Join the cluster of servers that share the Redis backplane &lt;url&gt;, redis://[:password@]host:port[/db] (as SOCKET_REDIS_URL).</source>
        <translation>Rejoindre le cluster des serveurs qui partagent le backplane Redis &lt;url&gt;, redis://[:password@]host:port[/db] (comme SOCKET_REDIS_URL).</translation>
    </message>
    <message>
        <source>Serve Prometheus metrics (/metrics) and the admin page (/admin) over HTTP on &lt;port&gt; of the listening host; 0 picks a free port (default: off).</source>
        <translation>Servir les métriques Prometheus (/metrics) et la page d&apos;administration (/admin) en HTTP sur le &lt;port&gt; de l&apos;hôte d&apos;écoute ; 0 choisit un port libre (par défaut : désactivé).</translation>
    </message>
    <message>
        <source>Read the admin token from &lt;file&gt;: with it the admin page may disconnect clients (default: read-only).</source>
        <translation>Lire le jeton d&apos;administration depuis &lt;file&gt; : avec lui, la page d&apos;administration peut déconnecter des clients (par défaut : lecture seule).</translation>
    </message>
    <message>
        <source>this build has no Redis backplane (hiredis was not found): &quot;redisUrl&quot; cannot be used</source>
        <translation>cette compilation n&apos;a pas de backplane Redis (hiredis introuvable) : « redisUrl » ne peut pas être utilisé</translation>
    </message>
    <message>
        <source>cannot read the admin token file %1: %2</source>
        <translation>impossible de lire le fichier de jeton d&apos;administration %1 : %2</translation>
    </message>
    <message>
        <source>the admin token file %1 is empty</source>
        <translation>le fichier de jeton d&apos;administration %1 est vide</translation>
    </message>
    <message>
        <source>cannot serve metrics on port %1</source>
        <translation>impossible de servir les métriques sur le port %1</translation>
    </message>
    <message>
        <source>metrics on %1</source>
        <translation>métriques sur %1</translation>
    </message>
    <message>
        <source>this build has no metrics endpoint (Qt HTTP Server was not found)</source>
        <translation>cette compilation n&apos;a pas de point d&apos;accès aux métriques (Qt HTTP Server introuvable)</translation>
    </message>
</context>
</TS>
