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
