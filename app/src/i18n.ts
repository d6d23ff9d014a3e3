// Every label the UI shows goes through this dictionary. French is the default; the
// chosen language is remembered in localStorage. `fr` defines the keys; `en` must have
// exactly the same ones (the type checker enforces it).
import { useSyncExternalStore } from 'react';

const fr = {
  'app.name': 'MimiCom',
  'app.loading': 'Chargement…',
  'nav.prospects': 'Prospects',
  'nav.api': 'API',
  'nav.logout': 'Déconnexion',
  'nav.language': 'Langue',
  'notFound.title': 'Page introuvable',
  'notFound.back': 'Retour aux prospects',

  'login.title': 'Connexion',
  'login.subtitle': 'Votre espace de prospection',
  'login.email': 'Email',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.submitting': 'Connexion…',
  'login.badCredentials': 'Email ou mot de passe incorrect.',
  'login.tooMany': 'Trop de tentatives, réessayez dans {n} s.',

  'error.network': 'Le serveur ne répond pas. Vérifiez votre connexion.',
  'error.generic': 'Une erreur est survenue ({status}).',
  'error.forbidden': "Vous n'avez pas les droits pour cette action.",
  'error.notFound': 'Élément introuvable (il a peut-être été supprimé).',
  'error.tooMany': 'Trop de requêtes, réessayez dans {n} s.',
  'error.invalidNumber': 'Nombre invalide',

  'prospects.title': 'Prospects',
  'prospects.add': 'Ajouter un prospect',
  'prospects.search': 'Rechercher',
  'prospects.searchPlaceholder': 'Rechercher : nom, entreprise, email…',
  'prospects.total.one': '{n} prospect',
  'prospects.total.other': '{n} prospects',
  'prospects.empty': 'Aucun prospect ne correspond à ces critères.',
  'prospects.emptyAll': 'Aucun prospect pour le moment.',
  'prospects.clearFilters': 'Effacer les filtres',
  'prospects.perPage': 'Par page',
  'prospects.page': 'Page {page} sur {pages}',
  'prospects.prev': '‹ Précédent',
  'prospects.next': 'Suivant ›',
  'prospects.first': '« Première',
  'prospects.last': 'Dernière »',
  'prospects.edit': 'Modifier',
  'prospects.delete': 'Supprimer',
  'prospects.actions': 'Actions',
  'prospects.selectRow': 'Sélectionner {name}',
  'prospects.selectPage': 'Sélectionner toute la page',
  'prospects.deleteTitle': 'Supprimer ce prospect ?',
  'prospects.deleteText': '« {name} » sera supprimé définitivement.',
  'prospects.deleted': 'Prospect supprimé.',
  'prospects.created': 'Prospect ajouté.',
  'prospects.updated': 'Prospect modifié.',
  'prospects.unnamed': '(sans nom)',
  'prospects.optedOut': 'Désinscrit',

  'filter.all': 'Tous',
  'filter.nSelected': '{n} sélectionnés',
  'filter.none': 'Aucune valeur',
  'filter.clear': 'Effacer',
  'filter.cityPlaceholder': 'Toutes',

  'bulk.selected.one': '{n} sélectionné',
  'bulk.selected.other': '{n} sélectionnés',
  'bulk.pageAllSelected': 'Les {n} prospects de cette page sont sélectionnés.',
  'bulk.selectAllMatching': 'Sélectionner les {n} prospects correspondant au filtre',
  'bulk.allMatchingSelected': 'Les {n} prospects correspondant au filtre sont sélectionnés.',
  'bulk.clear': 'Annuler la sélection',
  'bulk.action': 'Action groupée',
  'bulk.chooseAction': 'Choisir une action…',
  'bulk.setStatus': 'Changer le statut',
  'bulk.addTag': 'Ajouter un tag',
  'bulk.removeTag': 'Retirer un tag',
  'bulk.delete': 'Supprimer',
  'bulk.apply': 'Appliquer',
  'bulk.tagPlaceholder': 'Tag…',
  'bulk.done.one': '{n} prospect modifié.',
  'bulk.done.other': '{n} prospects modifiés.',
  'bulk.deleted.one': '{n} prospect supprimé.',
  'bulk.deleted.other': '{n} prospects supprimés.',
  'bulk.deleteTitle': 'Supprimer {n} prospects ?',
  'bulk.deleteText': 'Cette action est définitive.',

  'field.name': 'Nom',
  'field.first_name': 'Prénom',
  'field.last_name': 'Nom',
  'field.email': 'Email',
  'field.phone': 'Téléphone',
  'field.company': 'Entreprise',
  'field.job_title': 'Poste',
  'field.sector': 'Secteur',
  'field.city': 'Ville',
  'field.postal_code': 'Code postal',
  'field.region': 'Région',
  'field.country': 'Pays',
  'field.company_size': "Taille d'entreprise",
  'grid.company_size': 'Taille',
  'field.employees': 'Salariés',
  'field.annual_revenue': "Chiffre d'affaires annuel (€)",
  'field.source': 'Source',
  'field.status': 'Statut',
  'field.tags': 'Tags',
  'field.owner': 'Responsable',
  'field.notes': 'Notes',
  'field.custom_fields': 'Champs personnalisés',
  'field.opted_out': 'Ne plus contacter (désinscrit)',
  'field.created_at': 'Créé le',
  'field.updated_at': 'Modifié le',
  'field.last_contact_at': 'Dernier contact',

  'status.new': 'Nouveau',
  'status.contacted': 'Contacté',
  'status.qualified': 'Qualifié',
  'status.meeting': 'Rendez-vous',
  'status.won': 'Gagné',
  'status.lost': 'Perdu',

  'size.1-9': '1 à 9 salariés',
  'size.10-49': '10 à 49 salariés',
  'size.50-249': '50 à 249 salariés',
  'size.250-999': '250 à 999 salariés',
  'size.1000+': '1000 salariés et plus',
  'size.unknown': 'Non renseignée',

  'form.addTitle': 'Ajouter un prospect',
  'form.editTitle': 'Modifier le prospect',
  'form.sectionPerson': 'Contact',
  'form.sectionCompany': 'Entreprise',
  'form.sectionPlace': 'Localisation',
  'form.sectionFollowUp': 'Suivi commercial',
  'form.save': 'Enregistrer',
  'form.saving': 'Enregistrement…',
  'form.cancel': 'Annuler',
  'form.close': 'Fermer',
  'form.hasErrors': 'Certains champs sont à corriger.',
  'form.emailOrPhone': 'Indiquez au moins un email ou un téléphone.',
  'form.tagsHint': 'Entrée ou virgule pour ajouter',
  'form.removeTag': 'Retirer le tag {tag}',
  'form.addCustomField': '+ Ajouter un champ',
  'form.customKey': 'Nom du champ',
  'form.customValue': 'Valeur',
  'form.removeCustomField': 'Retirer ce champ',
  'form.noChange': 'Aucune modification à enregistrer.',
  'form.choose': '—',

  'confirm.cancel': 'Annuler',
  'confirm.delete': 'Supprimer',

  'nav.import': 'Import',
  'nav.jobs': 'Tâches',

  'import.title': 'Importer des prospects',
  'import.intro': "Chargez un fichier CSV (export Excel, CRM, liste de salon…). Vous choisirez ensuite quelle colonne va dans quel champ, avant de lancer l'import.",
  'import.drop': 'Déposez votre fichier CSV ici',
  'import.or': 'ou',
  'import.choose': 'Choisir un fichier',
  'import.dropHint': 'Séparateur point-virgule, virgule, tabulation ou barre verticale ; encodage UTF-8 ou Windows (Excel). La première ligne doit porter les noms des colonnes.',
  'import.uploading': 'Envoi de « {name} »',
  'import.uploadProgress': '{sent} sur {total}',
  'import.uploadCancel': "Annuler l'envoi",
  'import.tooLarge': 'Fichier trop volumineux ({size}) : {max} au plus.',
  'import.fileTitle': 'Fichier reçu',
  'import.file': 'Fichier',
  'import.size': 'Taille',
  'import.encoding': 'Encodage',
  'import.separator': 'Séparateur',
  'import.columns': 'Colonnes',
  'import.problem': 'Problème détecté dans le fichier : {problem}',
  'import.another': 'Choisir un autre fichier',
  'import.mappingTitle': 'Correspondance des colonnes',
  'import.mappingHelp': "Pour chaque colonne du fichier, choisissez le champ du prospect qu'elle remplit. Une colonne au moins doit donner l'e-mail ou le téléphone : c'est ce qui identifie un prospect.",
  'import.previewCaption': 'Aperçu des premières lignes du fichier ({n})',
  'import.previewEmpty': 'Aucune ligne à afficher.',
  'import.columnTarget': 'Champ pour la colonne « {column} »',
  'import.ignore': 'Ignorer',
  'import.custom': 'Champ personnalisé « {name} »',
  'import.fieldsGroup': 'Champs du prospect',
  'import.otherGroup': 'Autre',
  'import.takenBy': 'Même champ que la colonne « {column} »',
  'import.mappingErrors': 'La correspondance des colonnes est à corriger.',
  'import.duplicatesTitle': 'Prospects déjà présents',
  'import.duplicatesHelp': "Quand une ligne a le même e-mail qu'un prospect existant (ou, sans e-mail, le même téléphone) :",
  'import.start': "Lancer l'import",
  'import.starting': 'Lancement…',
  'import.queued': 'En attente de traitement…',
  'import.runningTitle': 'Import en cours',
  'import.cancel': "Annuler l'import",
  'import.cancelRequested': 'Annulation demandée…',
  'import.reportTitle': 'Import terminé',
  'import.reportDuration': 'Traité en {duration} ({rate} lignes/s).',
  'import.downloadRejected': 'Télécharger les lignes rejetées (CSV)',
  'import.rejectedHelp': 'Chaque ligne rejetée y figure avec son motif : corrigez-les, puis importez ce fichier.',
  'import.seeProspects': 'Voir les prospects',
  'import.newImport': 'Importer un autre fichier',
  'import.failedTitle': "L'import a échoué",
  'import.cancelledTitle': "L'import a été annulé",
  'import.retry': "Relancer l'import",
  'import.retryHelp': "L'import reprendra là où il s'est arrêté : les lignes déjà enregistrées ne seront pas ajoutées deux fois.",
  'import.recent': 'Imports récents',
  'import.recentEmpty': 'Aucun import pour le moment.',
  'import.notStarted': 'À configurer',
  'import.open': 'Ouvrir',
  'import.col.date': 'Date',
  'import.col.result': 'Résultat',
  'import.col.state': 'État',
  'import.resultSummary': 'ajoutés : {inserted} · mis à jour : {updated} · rejetés : {rejected}',
  'import.rowsSummary': 'lignes lues : {rows}',

  'separator.semicolon': 'point-virgule',
  'separator.comma': 'virgule',
  'separator.tab': 'tabulation',
  'separator.pipe': 'barre verticale',

  'dup.skip': 'Ignorer les doublons',
  'dup.skip.help': 'Le prospect existant reste tel quel ; la ligne du fichier est seulement comptée comme doublon.',
  'dup.fill_empty': 'Compléter les champs vides',
  'dup.fill_empty.help': 'Les champs vides du prospect existant sont remplis avec les valeurs du fichier ; ce qui est déjà renseigné ne change pas.',
  'dup.overwrite': 'Remplacer par les valeurs du fichier',
  'dup.overwrite.help': 'Les valeurs du fichier remplacent celles du prospect existant. Une cellule vide du fichier n’efface rien.',

  'report.rows': 'Lignes lues',
  'report.inserted': 'Ajoutés',
  'report.updated': 'Mis à jour',
  'report.duplicates_in_file': 'Doublons dans le fichier',
  'report.duplicates_existing': 'Doublons de prospects existants',
  'report.rejected': 'Rejetés',
  'report.fixed': 'Valeurs corrigées',

  'target.first_name': 'Prénom',
  'target.last_name': 'Nom',
  'target.email': 'E-mail',
  'target.phone': 'Téléphone',
  'target.company': 'Société',
  'target.job_title': 'Poste',
  'target.sector': 'Secteur',
  'target.city': 'Ville',
  'target.postal_code': 'Code postal',
  'target.region': 'Région',
  'target.country': 'Pays',
  'target.company_size': 'Effectif',
  'target.employees': 'Salariés',
  'target.annual_revenue': "Chiffre d'affaires",
  'target.source': 'Source',
  'target.status': 'Statut',
  'target.notes': 'Notes',
  'target.tags': 'Étiquettes',
  'target.owner': 'Propriétaire',
  'target.opted_out': 'Désinscrit',
  'target.last_contact_at': 'Dernier contact',

  'jobs.title': 'Tâches',
  'jobs.number': 'n° {id}',
  'jobs.total.one': '{n} tâche',
  'jobs.total.other': '{n} tâches',
  'jobs.filterState': 'État',
  'jobs.filterType': 'Type',
  'jobs.col.label': 'Tâche',
  'jobs.col.state': 'État',
  'jobs.col.progress': 'Progression',
  'jobs.col.duration': 'Durée',
  'jobs.col.created': 'Créée le',
  'jobs.cancel': 'Annuler',
  'jobs.retry': 'Relancer',
  'jobs.showLogs': 'Journal',
  'jobs.hideLogs': 'Masquer le journal',
  'jobs.logsOf': 'Journal de la tâche n° {id}',
  'jobs.noLogs': 'Aucune ligne dans le journal.',
  'jobs.empty': 'Aucune tâche ne correspond à ces critères.',
  'jobs.emptyAll': "Aucune tâche pour le moment. Les imports et autres traitements longs s'afficheront ici.",
  'jobs.attempt': 'essai n° {n}',
  'jobs.cancelRequested': 'annulation demandée',
  'jobs.error': 'Cause : {error}',
  'jobs.openImport': "Voir l'import",
  'jobs.cancelDone': 'Annulation demandée : {label}.',
  'jobs.retryDone': 'Tâche relancée : {label}.',

  'job.state.queued': 'En attente',
  'job.state.running': 'En cours',
  'job.state.succeeded': 'Terminée',
  'job.state.failed': 'Échouée',
  'job.state.cancelled': 'Annulée',
  'job.type.import': 'Import CSV',
  'job.type.export': 'Export',
  'nav.exports': 'Exports',
  'export.button': 'Exporter',
  'export.title': 'Exporter des prospects',
  'export.scopeSelection': 'Prospects sélectionnés : {n}',
  'export.scopeFilter': 'Prospects du filtre actuel : {n}',
  'export.format': 'Format',
  'export.format.csv': 'CSV',
  'export.format.xlsx': 'Excel (XLSX)',
  'export.format.jsonl': 'JSON Lines',
  'export.bom': 'BOM UTF-8 (pour Excel)',
  'export.separator': 'Séparateur',
  'export.columns': 'Colonnes',
  'export.allColumns': 'Toutes',
  'export.noColumns': 'Aucune',
  'export.custom': 'Champs personnalisés (séparés par des virgules)',
  'export.submit': 'Lancer l’export',
  'export.submitting': 'Lancement…',
  'export.started': 'Export lancé : suivez-le dans la liste des exports.',
  'exports.title': 'Exports',
  'exports.empty': 'Aucun export pour le moment. Lancez-en un depuis la page Prospects.',
  'exports.col.created': 'Créé le',
  'exports.col.format': 'Format',
  'exports.col.state': 'État',
  'exports.col.rows': 'Lignes',
  'exports.col.file': 'Fichier',
  'exports.download': 'Télécharger',
  'exports.expires': 'expire le {date}',
  'exports.state.queued': 'En attente',
  'exports.state.running': 'En cours',
  'exports.state.ready': 'Prêt',
  'exports.state.failed': 'Échec',
  'exports.state.cancelled': 'Annulé',
  'exports.state.expired': 'Expiré',

  'progress.label': 'Progression',
  'progress.of': '{done} sur {total}',
  'progress.rate': '{rate}/s',
  'progress.eta': 'reste environ {time}',
  'progress.starting': 'démarrage…',

  'log.info': 'info',
  'log.warn': 'attention',
  'log.error': 'erreur',

  'unit.bytes': 'o|Ko|Mo|Go|To',
  'duration.lt1': 'moins d’1 s',
  'duration.s': '{s} s',
  'duration.ms': '{m} min {s} s',
  'duration.hm': '{h} h {m} min',

  'nav.dashboard': 'Tableau de bord',

  'dashboard.title': 'Tableau de bord',
  'dashboard.loading': 'Calcul des indicateurs…',
  'dashboard.retry': 'Réessayer',
  'dashboard.empty': 'Aucun prospect ne correspond à ces filtres.',
  'dashboard.emptyAll': 'Aucun prospect pour le moment : importez un fichier pour remplir le tableau de bord.',
  'dashboard.import': 'Importer des prospects',
  'dashboard.filters': 'Filtres du tableau de bord',
  'dashboard.clearFilters': 'Effacer les filtres',
  'dashboard.showTable': 'Voir le tableau',
  'dashboard.showChart': 'Voir le graphique',
  'dashboard.clickHint': 'Cliquez sur une barre pour ouvrir la liste de ces prospects.',
  'dashboard.clickHintFunnel': 'Cliquez sur une étape pour ouvrir la liste de ces prospects.',

  'filter.createdFrom': 'Créés à partir du',
  'filter.createdTo': 'Créés avant le',
  'filter.contactedFrom': 'Contactés à partir du',
  'filter.contactedTo': 'Contactés avant le',

  'kpi.total': 'Prospects',
  'kpi.totalHint': 'correspondant aux filtres',
  'kpi.contacted': 'Contactés',
  'kpi.contactedHint': 'étape « Contacté » ou au-delà',
  'kpi.won': 'Gagnés',
  'kpi.wonHint': '{share} du total',
  'kpi.lost': 'Perdus',
  'kpi.lostHint': '{share} du total',
  'kpi.conversion': 'Conversion contacté → gagné',
  'kpi.conversionHint': '{won} gagnés sur {contacted} contactés',
  'kpi.none': '—',

  'chart.funnel.title': 'Entonnoir commercial',
  'chart.funnel.summary': 'Prospects ayant atteint chaque étape : {list}. Perdus (hors entonnoir) : {lost}.',
  'chart.funnel.stage': 'Étape',
  'chart.funnel.count': 'À cette étape',
  'chart.funnel.reached': "Ont atteint l'étape",
  'chart.funnel.rate': "Passage depuis l'étape précédente",
  'chart.funnel.lost': 'Perdus (hors entonnoir) : {n}',
  'chart.funnel.tooltip': "{reached} ont atteint l'étape · {count} y sont",

  'chart.by.sector': 'Prospects par secteur',
  'chart.by.region': 'Prospects par région',
  'chart.by.company_size': "Prospects par taille d'entreprise",
  'chart.by.source': 'Prospects par source',
  'chart.by.owner': 'Prospects par responsable',
  'chart.by.summary': '{values} ; en tête : {top} avec {prospects} ({share}).',
  'chart.values.one': '{n} valeur',
  'chart.values.other': '{n} valeurs',
  'chart.weeks.one': '{n} semaine',
  'chart.weeks.other': '{n} semaines',
  'chart.months.one': '{n} mois',
  'chart.months.other': '{n} mois',
  'chart.by.summaryEmpty': 'Aucune valeur renseignée.',
  'chart.by.missing': 'Non renseigné : {n}',
  'chart.by.others': 'Autres valeurs (au-delà des 50 premières) : {n}',
  'chart.by.shown': 'Le graphique montre les {n} premières valeurs ; le tableau les montre toutes.',
  'chart.value': 'Valeur',
  'chart.missingRow': 'Non renseigné',
  'chart.othersRow': 'Autres valeurs',
  'chart.count': 'Prospects',
  'chart.share': 'Part',

  'chart.new.title': 'Nouveaux prospects',
  'chart.period': 'Période',
  'chart.period.week': 'Par semaine',
  'chart.period.month': 'Par mois',
  'chart.new.summary.week': 'Nouveaux prospects sur {span} : {total} ; la semaine la plus forte : celle du {date} ({count}).',
  'chart.new.summary.month': 'Nouveaux prospects sur {span} : {total} ; le mois le plus fort : {date} ({count}).',
  'chart.contacted.title': 'Prospects contactés par semaine',
  'chart.contacted.summary': 'Prospects contactés sur {span} (date du dernier contact) : {total} ; la semaine la plus forte : celle du {date} ({count}).',
  'chart.contacted.help': "Selon la date du dernier contact de chaque prospect. Cliquez sur une barre pour ouvrir la liste de ces prospects.",
  'chart.series.empty': 'Aucune donnée sur la période.',
  'chart.weekOf': 'Semaine du {date}',
  'chart.week': 'Semaine',
  'chart.month': 'Mois',

  'quality.title': 'Qualité des données',
  'quality.email': 'Avec email',
  'quality.phone': 'Avec téléphone',
  'quality.company': 'Avec entreprise',
  'quality.detail': '{n} sur {total} ({share})',
  'quality.item': '{label} : {detail}',
  'quality.imports': 'Imports terminés (toute la base) : fichiers {files}, lignes lues {rows}, rejetées {rejected}, valeurs corrigées {fixed}.',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'app.name': 'MimiCom',
  'app.loading': 'Loading…',
  'nav.prospects': 'Prospects',
  'nav.api': 'API',
  'nav.logout': 'Log out',
  'nav.language': 'Language',
  'notFound.title': 'Page not found',
  'notFound.back': 'Back to prospects',

  'login.title': 'Sign in',
  'login.subtitle': 'Your prospecting workspace',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.badCredentials': 'Wrong email or password.',
  'login.tooMany': 'Too many attempts, try again in {n} s.',

  'error.network': 'The server does not answer. Check your connection.',
  'error.generic': 'Something went wrong ({status}).',
  'error.forbidden': 'You are not allowed to do this.',
  'error.notFound': 'Not found (it may have been deleted).',
  'error.tooMany': 'Too many requests, try again in {n} s.',
  'error.invalidNumber': 'Invalid number',

  'prospects.title': 'Prospects',
  'prospects.add': 'Add a prospect',
  'prospects.search': 'Search',
  'prospects.searchPlaceholder': 'Search: name, company, email…',
  'prospects.total.one': '{n} prospect',
  'prospects.total.other': '{n} prospects',
  'prospects.empty': 'No prospect matches these criteria.',
  'prospects.emptyAll': 'No prospects yet.',
  'prospects.clearFilters': 'Clear filters',
  'prospects.perPage': 'Per page',
  'prospects.page': 'Page {page} of {pages}',
  'prospects.prev': '‹ Previous',
  'prospects.next': 'Next ›',
  'prospects.first': '« First',
  'prospects.last': 'Last »',
  'prospects.edit': 'Edit',
  'prospects.delete': 'Delete',
  'prospects.actions': 'Actions',
  'prospects.selectRow': 'Select {name}',
  'prospects.selectPage': 'Select the whole page',
  'prospects.deleteTitle': 'Delete this prospect?',
  'prospects.deleteText': '“{name}” will be deleted for good.',
  'prospects.deleted': 'Prospect deleted.',
  'prospects.created': 'Prospect added.',
  'prospects.updated': 'Prospect updated.',
  'prospects.unnamed': '(no name)',
  'prospects.optedOut': 'Opted out',

  'filter.all': 'All',
  'filter.nSelected': '{n} selected',
  'filter.none': 'No values',
  'filter.clear': 'Clear',
  'filter.cityPlaceholder': 'All',

  'bulk.selected.one': '{n} selected',
  'bulk.selected.other': '{n} selected',
  'bulk.pageAllSelected': 'All {n} prospects on this page are selected.',
  'bulk.selectAllMatching': 'Select all {n} prospects matching the filter',
  'bulk.allMatchingSelected': 'All {n} prospects matching the filter are selected.',
  'bulk.clear': 'Clear selection',
  'bulk.action': 'Bulk action',
  'bulk.chooseAction': 'Choose an action…',
  'bulk.setStatus': 'Change status',
  'bulk.addTag': 'Add a tag',
  'bulk.removeTag': 'Remove a tag',
  'bulk.delete': 'Delete',
  'bulk.apply': 'Apply',
  'bulk.tagPlaceholder': 'Tag…',
  'bulk.done.one': '{n} prospect updated.',
  'bulk.done.other': '{n} prospects updated.',
  'bulk.deleted.one': '{n} prospect deleted.',
  'bulk.deleted.other': '{n} prospects deleted.',
  'bulk.deleteTitle': 'Delete {n} prospects?',
  'bulk.deleteText': 'This cannot be undone.',

  'field.name': 'Name',
  'field.first_name': 'First name',
  'field.last_name': 'Last name',
  'field.email': 'Email',
  'field.phone': 'Phone',
  'field.company': 'Company',
  'field.job_title': 'Job title',
  'field.sector': 'Sector',
  'field.city': 'City',
  'field.postal_code': 'Postal code',
  'field.region': 'Region',
  'field.country': 'Country',
  'field.company_size': 'Company size',
  'grid.company_size': 'Size',
  'field.employees': 'Employees',
  'field.annual_revenue': 'Annual revenue (€)',
  'field.source': 'Source',
  'field.status': 'Status',
  'field.tags': 'Tags',
  'field.owner': 'Owner',
  'field.notes': 'Notes',
  'field.custom_fields': 'Custom fields',
  'field.opted_out': 'Do not contact (opted out)',
  'field.created_at': 'Created',
  'field.updated_at': 'Updated',
  'field.last_contact_at': 'Last contact',

  'status.new': 'New',
  'status.contacted': 'Contacted',
  'status.qualified': 'Qualified',
  'status.meeting': 'Meeting',
  'status.won': 'Won',
  'status.lost': 'Lost',

  'size.1-9': '1–9 employees',
  'size.10-49': '10–49 employees',
  'size.50-249': '50–249 employees',
  'size.250-999': '250–999 employees',
  'size.1000+': '1000+ employees',
  'size.unknown': 'Unknown',

  'form.addTitle': 'Add a prospect',
  'form.editTitle': 'Edit prospect',
  'form.sectionPerson': 'Contact',
  'form.sectionCompany': 'Company',
  'form.sectionPlace': 'Location',
  'form.sectionFollowUp': 'Sales follow-up',
  'form.save': 'Save',
  'form.saving': 'Saving…',
  'form.cancel': 'Cancel',
  'form.close': 'Close',
  'form.hasErrors': 'Some fields need fixing.',
  'form.emailOrPhone': 'Give at least an email or a phone number.',
  'form.tagsHint': 'Enter or comma to add',
  'form.removeTag': 'Remove tag {tag}',
  'form.addCustomField': '+ Add a field',
  'form.customKey': 'Field name',
  'form.customValue': 'Value',
  'form.removeCustomField': 'Remove this field',
  'form.noChange': 'Nothing to save.',
  'form.choose': '—',

  'confirm.cancel': 'Cancel',
  'confirm.delete': 'Delete',

  'nav.import': 'Import',
  'nav.jobs': 'Jobs',

  'import.title': 'Import prospects',
  'import.intro': 'Load a CSV file (Excel export, CRM, trade-show list…). You will then choose which column goes to which field, before starting the import.',
  'import.drop': 'Drop your CSV file here',
  'import.or': 'or',
  'import.choose': 'Choose a file',
  'import.dropHint': 'Separated by semicolons, commas, tabs or vertical bars; UTF-8 or Windows (Excel) encoding. The first line must hold the column names.',
  'import.uploading': 'Uploading “{name}”',
  'import.uploadProgress': '{sent} of {total}',
  'import.uploadCancel': 'Cancel upload',
  'import.tooLarge': 'File too large ({size}): {max} at most.',
  'import.fileTitle': 'File received',
  'import.file': 'File',
  'import.size': 'Size',
  'import.encoding': 'Encoding',
  'import.separator': 'Separator',
  'import.columns': 'Columns',
  'import.problem': 'Problem found in the file: {problem}',
  'import.another': 'Choose another file',
  'import.mappingTitle': 'Column mapping',
  'import.mappingHelp': 'For each column of the file, choose the prospect field it fills. At least one column must give the email or the phone: that is what identifies a prospect.',
  'import.previewCaption': 'Preview of the first lines of the file ({n})',
  'import.previewEmpty': 'No line to show.',
  'import.columnTarget': 'Field for column “{column}”',
  'import.ignore': 'Ignore',
  'import.custom': 'Custom field “{name}”',
  'import.fieldsGroup': 'Prospect fields',
  'import.otherGroup': 'Other',
  'import.takenBy': 'Same field as column « {column} »',
  'import.mappingErrors': 'The column mapping needs fixing.',
  'import.duplicatesTitle': 'Prospects already there',
  'import.duplicatesHelp': 'When a line has the same email as an existing prospect (or, without email, the same phone):',
  'import.start': 'Start import',
  'import.starting': 'Starting…',
  'import.queued': 'Waiting to be processed…',
  'import.runningTitle': 'Import running',
  'import.cancel': 'Cancel import',
  'import.cancelRequested': 'Cancellation requested…',
  'import.reportTitle': 'Import finished',
  'import.reportDuration': 'Processed in {duration} ({rate} lines/s).',
  'import.downloadRejected': 'Download the rejected lines (CSV)',
  'import.rejectedHelp': 'Each rejected line is in it with its reason: fix them, then import that file.',
  'import.seeProspects': 'See the prospects',
  'import.newImport': 'Import another file',
  'import.failedTitle': 'The import failed',
  'import.cancelledTitle': 'The import was cancelled',
  'import.retry': 'Retry the import',
  'import.retryHelp': 'The import will resume where it stopped: lines already saved will not be added twice.',
  'import.recent': 'Recent imports',
  'import.recentEmpty': 'No imports yet.',
  'import.notStarted': 'To set up',
  'import.open': 'Open',
  'import.col.date': 'Date',
  'import.col.result': 'Result',
  'import.col.state': 'State',
  'import.resultSummary': 'added: {inserted} · updated: {updated} · rejected: {rejected}',
  'import.rowsSummary': 'lines read: {rows}',

  'separator.semicolon': 'semicolon',
  'separator.comma': 'comma',
  'separator.tab': 'tab',
  'separator.pipe': 'vertical bar',

  'dup.skip': 'Skip duplicates',
  'dup.skip.help': 'The existing prospect stays as it is; the line of the file is only counted as a duplicate.',
  'dup.fill_empty': 'Fill empty fields',
  'dup.fill_empty.help': 'Empty fields of the existing prospect are filled from the file; what is already filled in does not change.',
  'dup.overwrite': 'Replace with the values of the file',
  'dup.overwrite.help': 'The values of the file replace those of the existing prospect. An empty cell of the file erases nothing.',

  'report.rows': 'Lines read',
  'report.inserted': 'Added',
  'report.updated': 'Updated',
  'report.duplicates_in_file': 'Duplicates within the file',
  'report.duplicates_existing': 'Duplicates of existing prospects',
  'report.rejected': 'Rejected',
  'report.fixed': 'Values fixed',

  'target.first_name': 'First name',
  'target.last_name': 'Last name',
  'target.email': 'Email',
  'target.phone': 'Phone',
  'target.company': 'Company',
  'target.job_title': 'Job title',
  'target.sector': 'Sector',
  'target.city': 'City',
  'target.postal_code': 'Postal code',
  'target.region': 'Region',
  'target.country': 'Country',
  'target.company_size': 'Company size',
  'target.employees': 'Employees',
  'target.annual_revenue': 'Annual revenue',
  'target.source': 'Source',
  'target.status': 'Status',
  'target.notes': 'Notes',
  'target.tags': 'Tags',
  'target.owner': 'Owner',
  'target.opted_out': 'Opted out',
  'target.last_contact_at': 'Last contact',

  'jobs.title': 'Jobs',
  'jobs.number': '#{id}',
  'jobs.total.one': '{n} job',
  'jobs.total.other': '{n} jobs',
  'jobs.filterState': 'State',
  'jobs.filterType': 'Type',
  'jobs.col.label': 'Job',
  'jobs.col.state': 'State',
  'jobs.col.progress': 'Progress',
  'jobs.col.duration': 'Duration',
  'jobs.col.created': 'Created',
  'jobs.cancel': 'Cancel',
  'jobs.retry': 'Retry',
  'jobs.showLogs': 'Log',
  'jobs.hideLogs': 'Hide log',
  'jobs.logsOf': 'Log of job #{id}',
  'jobs.noLogs': 'The log is empty.',
  'jobs.empty': 'No job matches these criteria.',
  'jobs.emptyAll': 'No jobs yet. Imports and other long tasks will show here.',
  'jobs.attempt': 'attempt #{n}',
  'jobs.cancelRequested': 'cancellation requested',
  'jobs.error': 'Cause: {error}',
  'jobs.openImport': 'See the import',
  'jobs.cancelDone': 'Cancellation requested: {label}.',
  'jobs.retryDone': 'Job queued again: {label}.',

  'job.state.queued': 'Queued',
  'job.state.running': 'Running',
  'job.state.succeeded': 'Done',
  'job.state.failed': 'Failed',
  'job.state.cancelled': 'Cancelled',
  'job.type.import': 'CSV import',
  'job.type.export': 'Export',
  'nav.exports': 'Exports',
  'export.button': 'Export',
  'export.title': 'Export prospects',
  'export.scopeSelection': 'Selected prospects: {n}',
  'export.scopeFilter': 'Prospects of the current filter: {n}',
  'export.format': 'Format',
  'export.format.csv': 'CSV',
  'export.format.xlsx': 'Excel (XLSX)',
  'export.format.jsonl': 'JSON Lines',
  'export.bom': 'UTF-8 BOM (for Excel)',
  'export.separator': 'Separator',
  'export.columns': 'Columns',
  'export.allColumns': 'All',
  'export.noColumns': 'None',
  'export.custom': 'Custom fields (comma-separated)',
  'export.submit': 'Start export',
  'export.submitting': 'Starting…',
  'export.started': 'Export started: follow it in the list of exports.',
  'exports.title': 'Exports',
  'exports.empty': 'No export yet. Start one from the Prospects page.',
  'exports.col.created': 'Created',
  'exports.col.format': 'Format',
  'exports.col.state': 'State',
  'exports.col.rows': 'Rows',
  'exports.col.file': 'File',
  'exports.download': 'Download',
  'exports.expires': 'expires {date}',
  'exports.state.queued': 'Queued',
  'exports.state.running': 'Running',
  'exports.state.ready': 'Ready',
  'exports.state.failed': 'Failed',
  'exports.state.cancelled': 'Cancelled',
  'exports.state.expired': 'Expired',

  'progress.label': 'Progress',
  'progress.of': '{done} of {total}',
  'progress.rate': '{rate}/s',
  'progress.eta': 'about {time} left',
  'progress.starting': 'starting…',

  'log.info': 'info',
  'log.warn': 'warning',
  'log.error': 'error',

  'unit.bytes': 'B|kB|MB|GB|TB',
  'duration.lt1': 'under 1 s',
  'duration.s': '{s} s',
  'duration.ms': '{m} min {s} s',
  'duration.hm': '{h} h {m} min',

  'nav.dashboard': 'Dashboard',

  'dashboard.title': 'Dashboard',
  'dashboard.loading': 'Computing the figures…',
  'dashboard.retry': 'Try again',
  'dashboard.empty': 'No prospect matches these filters.',
  'dashboard.emptyAll': 'No prospects yet: import a file to fill the dashboard.',
  'dashboard.import': 'Import prospects',
  'dashboard.filters': 'Dashboard filters',
  'dashboard.clearFilters': 'Clear filters',
  'dashboard.showTable': 'Show table',
  'dashboard.showChart': 'Show chart',
  'dashboard.clickHint': 'Click a bar to open the list of these prospects.',
  'dashboard.clickHintFunnel': 'Click a stage to open the list of these prospects.',

  'filter.createdFrom': 'Created from',
  'filter.createdTo': 'Created before',
  'filter.contactedFrom': 'Contacted from',
  'filter.contactedTo': 'Contacted before',

  'kpi.total': 'Prospects',
  'kpi.totalHint': 'matching the filters',
  'kpi.contacted': 'Contacted',
  'kpi.contactedHint': '“Contacted” stage or later',
  'kpi.won': 'Won',
  'kpi.wonHint': '{share} of the total',
  'kpi.lost': 'Lost',
  'kpi.lostHint': '{share} of the total',
  'kpi.conversion': 'Conversion contacted → won',
  'kpi.conversionHint': '{won} won of {contacted} contacted',
  'kpi.none': '—',

  'chart.funnel.title': 'Sales funnel',
  'chart.funnel.summary': 'Prospects that reached each stage: {list}. Lost (outside the funnel): {lost}.',
  'chart.funnel.stage': 'Stage',
  'chart.funnel.count': 'At this stage',
  'chart.funnel.reached': 'Reached the stage',
  'chart.funnel.rate': 'From the previous stage',
  'chart.funnel.lost': 'Lost (outside the funnel): {n}',
  'chart.funnel.tooltip': '{reached} reached the stage · {count} are at it',

  'chart.by.sector': 'Prospects by sector',
  'chart.by.region': 'Prospects by region',
  'chart.by.company_size': 'Prospects by company size',
  'chart.by.source': 'Prospects by source',
  'chart.by.owner': 'Prospects by owner',
  'chart.by.summary': '{values}; first: {top} with {prospects} ({share}).',
  'chart.values.one': '{n} value',
  'chart.values.other': '{n} values',
  'chart.weeks.one': '{n} week',
  'chart.weeks.other': '{n} weeks',
  'chart.months.one': '{n} month',
  'chart.months.other': '{n} months',
  'chart.by.summaryEmpty': 'No value filled in.',
  'chart.by.missing': 'Not filled in: {n}',
  'chart.by.others': 'Other values (beyond the first 50): {n}',
  'chart.by.shown': 'The chart shows the first {n} values; the table shows them all.',
  'chart.value': 'Value',
  'chart.missingRow': 'Not filled in',
  'chart.othersRow': 'Other values',
  'chart.count': 'Prospects',
  'chart.share': 'Share',

  'chart.new.title': 'New prospects',
  'chart.period': 'Period',
  'chart.period.week': 'Per week',
  'chart.period.month': 'Per month',
  'chart.new.summary.week': 'New prospects over {span}: {total}; busiest week: week of {date} ({count}).',
  'chart.new.summary.month': 'New prospects over {span}: {total}; busiest month: {date} ({count}).',
  'chart.contacted.title': 'Prospects contacted per week',
  'chart.contacted.summary': 'Prospects contacted over {span} (date of last contact): {total}; busiest week: week of {date} ({count}).',
  'chart.contacted.help': 'By the date of each prospect’s last contact. Click a bar to open the list of these prospects.',
  'chart.series.empty': 'No data in the period.',
  'chart.weekOf': 'Week of {date}',
  'chart.week': 'Week',
  'chart.month': 'Month',

  'quality.title': 'Data quality',
  'quality.email': 'With email',
  'quality.phone': 'With phone',
  'quality.company': 'With company',
  'quality.detail': '{n} of {total} ({share})',
  'quality.item': '{label}: {detail}',
  'quality.imports': 'Finished imports (whole base): files {files}, lines read {rows}, rejected {rejected}, values fixed {fixed}.',
};

export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];
const dictionaries: Record<Lang, Record<MessageKey, string>> = { fr, en };
const STORAGE_KEY = 'mimicom.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // Storage can be unavailable (privacy mode); French is the default anyway.
  }
  return 'fr';
}

let current: Lang = initialLang();
const listeners = new Set<() => void>();
document.documentElement.lang = current;

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, but still applied for this page.
  }
  for (const l of listeners) l();
}

/** Translates `key` in the current language, replacing `{name}` placeholders. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  let s: string = dictionaries[current][key];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Re-renders the caller when the language changes. */
export function useLang(): Lang {
  return useSyncExternalStore(subscribe, getLang);
}

type PluralBase<K> = K extends `${infer B}.one` ? B : never;
export type CountKey = PluralBase<MessageKey>;

/** A count label in the right grammatical number ("0 prospect" in French, "0 prospects" in English). */
export function tn(base: CountKey, n: number): string {
  const form = new Intl.PluralRules(current).select(n) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}` as MessageKey, { n: formatNumber(n) });
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(current === 'fr' ? 'fr-FR' : 'en-GB', { day: '2-digit', month: '2-digit', year: 'numeric' });
}

export function formatNumber(n: number): string {
  return n.toLocaleString(current === 'fr' ? 'fr-FR' : 'en-GB');
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(current === 'fr' ? 'fr-FR' : 'en-GB', {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

/** A size in bytes with its unit, in powers of 1024 ("1,5 Mo", "1.5 MB"). */
export function formatBytes(n: number): string {
  const units = t('unit.bytes').split('|');
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${v.toLocaleString(current === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: digits })} ${units[i]}`;
}

/** A duration as people say it: "45 s", "2 min 05 s", "1 h 12 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return t('duration.lt1');
  const s = Math.round(seconds);
  if (s < 60) return t('duration.s', { s });
  if (s < 3600) return t('duration.ms', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
  return t('duration.hm', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
}

/** A share 0…1 as a whole percentage, rounded down (100 % only when all is done). */
export function formatPercent(f: number): string {
  return (Math.floor(f * 100) / 100).toLocaleString(current === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 });
}

/** A share 0…1 as a percentage rounded to the nearest whole one ("67 %"). */
export function formatShare(f: number): string {
  return f.toLocaleString(current === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 });
}

/** A calendar day given as YYYY-MM-DD (a UTC day, as the KPI buckets are): "16/11/2026". */
export function formatDay(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return d.toLocaleDateString(current === 'fr' ? 'fr-FR' : 'en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
}

/** The month of a YYYY-MM-DD day: "nov. 2026", "Nov 2026". */
export function formatMonth(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return d.toLocaleDateString(current === 'fr' ? 'fr-FR' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}
