import { propertySuite } from './suite';

propertySuite('config');
